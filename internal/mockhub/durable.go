package mockhub

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The -state file is a bbolt database holding the world as one record per
// entity: an account, an org membership, a team membership, a SCIM user, a
// SCIM group, ... A change writes only the records it touched (the store
// marks them dirty), so a write costs the same with 20 users or 20,000.
//
// Durability: a handler's changes are queued, in the order the store's
// write lock gave them, while it still holds the lock; one committer
// goroutine writes everything queued in one transaction, which bbolt syncs
// before returning, so concurrent writers share one fsync (group commit).
// The handler's answer is held until its transaction is on disk: every
// acknowledged write survives kill -9. A failed commit turns the answer
// into a 500.
//
// The format-1 JSON file earlier versions wrote is still read: it is
// converted in place at start (written to a temporary file, synced, renamed).

// stateFormatBolt versions the record layout inside the database.
const stateFormatBolt = 2

// Buckets, one per kind of record. Keys joining several names use a NUL.
var (
	bMeta        = []byte("meta")        // "world" -> boltMeta
	bAccounts    = []byte("accounts")    // username -> account
	bCompanies   = []byte("companies")   // name -> boltCompany
	bOrgs        = []byte("orgs")        // name -> boltOrg
	bMembers     = []byte("members")     // org NUL username -> membership
	bTeams       = []byte("teams")       // org NUL team key -> teamSnap without members
	bTeamMembers = []byte("teammembers") // org NUL team key NUL username -> ""
	bConns       = []byte("connections") // id -> boltConn
	bUsers       = []byte("users")       // connection NUL id -> scimUser
	bGroups      = []byte("groups")      // connection NUL id -> scimGroup
	bApplied     = []byte("applied")     // username -> applied
	allBuckets   = [][]byte{bMeta, bAccounts, bCompanies, bOrgs, bMembers, bTeams, bTeamMembers, bConns, bUsers, bGroups, bApplied}
	metaKey      = []byte("world")
)

type boltMeta struct {
	Format     int    `json:"format"`
	Seq        uint64 `json:"seq"`
	NextTeamID int    `json:"next_team_id"`
}

type boltCompany struct {
	Order int `json:"order"`
	*company
}

type boltOrg struct {
	Order   int    `json:"order"`
	Name    string `json:"name"`
	Company string `json:"company,omitempty"`
}

type boltConn struct {
	Order int `json:"order"`
	connSnap
}

func key(parts ...string) []byte { return []byte(strings.Join(parts, "\x00")) }

// record is one record write: val nil deletes the key.
type record struct {
	bucket []byte
	key    []byte
	val    []byte
}

// dirtySet is what changed since the last persist. all means everything
// (start, reset), which rewrites every bucket.
type dirtySet struct {
	all         bool
	accounts    map[string]struct{}
	users       map[*scimUser]struct{}
	goneUsers   [][]byte
	groups      map[*scimGroup]struct{}
	goneGroups  [][]byte
	conns       map[*connection]struct{}
	teams       map[[2]string]struct{} // org, team key
	hasAnything bool
}

func newDirtySet() *dirtySet {
	return &dirtySet{accounts: map[string]struct{}{}, users: map[*scimUser]struct{}{}, groups: map[*scimGroup]struct{}{},
		conns: map[*connection]struct{}{}, teams: map[[2]string]struct{}{}}
}

// Dirty marks: no-ops without -state.

func (s *store) dirtyAccount(username string) {
	if s.dirty != nil {
		s.dirty.accounts[username], s.dirty.hasAnything = struct{}{}, true
	}
}

func (s *store) dirtyUser(u *scimUser) {
	if s.dirty != nil {
		s.dirty.users[u], s.dirty.hasAnything = struct{}{}, true
	}
}

func (s *store) dirtyUserGone(u *scimUser) {
	if s.dirty != nil {
		delete(s.dirty.users, u)
		s.dirty.goneUsers, s.dirty.hasAnything = append(s.dirty.goneUsers, key(u.conn.ID, u.ID)), true
	}
}

func (s *store) dirtyGroup(g *scimGroup) {
	if s.dirty != nil {
		s.dirty.groups[g], s.dirty.hasAnything = struct{}{}, true
	}
}

func (s *store) dirtyGroupGone(g *scimGroup) {
	if s.dirty != nil {
		delete(s.dirty.groups, g)
		s.dirty.goneGroups, s.dirty.hasAnything = append(s.dirty.goneGroups, key(g.conn.ID, g.ID)), true
	}
}

func (s *store) dirtyConn(c *connection) {
	if s.dirty != nil {
		s.dirty.conns[c], s.dirty.hasAnything = struct{}{}, true
	}
}

func (s *store) dirtyTeam(o, teamKey string) {
	if s.dirty != nil {
		s.dirty.teams[[2]string{o, teamKey}], s.dirty.hasAnything = struct{}{}, true
	}
}

func (s *store) dirtyAll() {
	if s.dirty != nil {
		s.dirty.all, s.dirty.hasAnything = true, true
	}
}

// takeOps turns the dirty set into record writes and clears it; the caller
// holds the write lock.
func (s *store) takeOps() ([]record, bool, error) {
	d := s.dirty
	if d == nil || !d.hasAnything {
		return nil, false, nil
	}
	s.dirty = newDirtySet()
	if d.all {
		ops, err := s.allOps()
		return ops, true, err
	}
	var ops []record
	put := func(b, k []byte, v any) error {
		j, err := json.Marshal(v)
		if err != nil {
			return err
		}
		ops = append(ops, record{b, k, j})
		return nil
	}
	if err := put(bMeta, metaKey, boltMeta{Format: stateFormatBolt, Seq: s.seq, NextTeamID: s.nextTeamID}); err != nil {
		return nil, false, err
	}
	for _, k := range d.goneUsers {
		ops = append(ops, record{bUsers, k, nil})
	}
	for _, k := range d.goneGroups {
		ops = append(ops, record{bGroups, k, nil})
	}
	for c := range d.conns {
		if err := put(bConns, []byte(c.ID), s.connRecord(c)); err != nil {
			return nil, false, err
		}
	}
	for tk := range d.teams {
		if og := s.orgs[tk[0]]; og != nil {
			if t := og.teams[tk[1]]; t != nil {
				if err := put(bTeams, key(tk[0], tk[1]), teamRecord(t)); err != nil {
					return nil, false, err
				}
			}
		}
	}
	for u := range d.users {
		if err := put(bUsers, key(u.conn.ID, u.ID), u); err != nil {
			return nil, false, err
		}
	}
	for g := range d.groups {
		if err := put(bGroups, key(g.conn.ID, g.ID), g); err != nil {
			return nil, false, err
		}
	}
	for username := range d.accounts {
		if a := s.accounts[username]; a != nil {
			if err := put(bAccounts, []byte(username), a); err != nil {
				return nil, false, err
			}
		} else {
			ops = append(ops, record{bAccounts, []byte(username), nil})
		}
		if ap := s.applied[username]; ap != nil {
			if err := put(bApplied, []byte(username), ap); err != nil {
				return nil, false, err
			}
		} else {
			ops = append(ops, record{bApplied, []byte(username), nil})
		}
		// An account's memberships: one record per org and team it is
		// in, a deletion for every other.
		for _, on := range s.orgOrder {
			og := s.orgs[on]
			if m := og.members[username]; m != nil {
				if err := put(bMembers, key(on, username), m); err != nil {
					return nil, false, err
				}
			} else {
				ops = append(ops, record{bMembers, key(on, username), nil})
			}
			for tk, t := range og.teams {
				if _, in := t.members[username]; in {
					ops = append(ops, record{bTeamMembers, key(on, tk, username), []byte{}})
				} else {
					ops = append(ops, record{bTeamMembers, key(on, tk, username), nil})
				}
			}
		}
	}
	return ops, false, nil
}

func teamRecord(t *team) teamSnap {
	return teamSnap{ID: t.ID, UUID: t.UUID, Name: t.Name, Description: t.Description, Created: t.Created}
}

func (s *store) connRecord(c *connection) boltConn {
	bc := boltConn{Order: slices.Index(s.connOrder, c), connSnap: connSnap{ID: c.ID, Name: c.Name, Type: c.Type,
		Domains: c.Domains, Org: c.Org, Company: c.Company, SCIMEnabled: c.SCIMEnabled}}
	for _, h := range c.tokens {
		bc.TokenSHA256 = append(bc.TokenSHA256, hex.EncodeToString(h[:]))
	}
	return bc
}

// allOps writes the whole world, for a rewrite of every bucket: the
// snapshot of the JSON format, cut into records.
func (s *store) allOps() ([]record, error) {
	snap := s.snapshot()
	var ops []record
	var err error
	put := func(b, k []byte, v any) {
		if err != nil {
			return
		}
		var j []byte
		if j, err = json.Marshal(v); err == nil {
			ops = append(ops, record{b, k, j})
		}
	}
	put(bMeta, metaKey, boltMeta{Format: stateFormatBolt, Seq: snap.Seq, NextTeamID: snap.NextTeamID})
	for _, a := range snap.Accounts {
		put(bAccounts, []byte(a.Username), a)
	}
	for i, co := range snap.Companies {
		put(bCompanies, []byte(co.Name), boltCompany{Order: i, company: co})
	}
	for i, og := range snap.Orgs {
		put(bOrgs, []byte(og.Name), boltOrg{Order: i, Name: og.Name, Company: og.Company})
		for _, m := range og.Members {
			put(bMembers, key(og.Name, m.Username), membership{Role: m.Role, Joined: m.Joined})
		}
		for _, t := range og.Teams {
			tk := strings.ToLower(t.Name)
			members := t.Members
			t.Members = nil
			put(bTeams, key(og.Name, tk), t)
			for _, u := range members {
				ops = append(ops, record{bTeamMembers, key(og.Name, tk, u), []byte{}})
			}
		}
	}
	for i, c := range s.connOrder {
		put(bConns, []byte(c.ID), s.connRecord(c))
		cs := snap.Connections[i]
		for _, u := range cs.Users {
			put(bUsers, key(c.ID, u.ID), u)
		}
		for _, g := range cs.Groups {
			put(bGroups, key(c.ID, g.ID), g)
		}
	}
	for n, ap := range snap.Applied {
		put(bApplied, []byte(n), ap)
	}
	return ops, err
}

// durable is the open state database and its committer.
type durable struct {
	db   *bolt.DB
	log  *slog.Logger
	mu   sync.Mutex
	cond *sync.Cond
	// queue holds the batches not yet committed, in lock order.
	queue  []batch
	closed bool
	done   chan struct{}
}

type batch struct {
	ops   []record
	reset bool // rewrite every bucket first
	done  chan error
}

// openDurable opens (creating) the database at path, removes temporary
// files an interrupted writer left beside it, and starts the committer.
func openDurable(path string, log *slog.Logger) (*durable, error) {
	removeStaleTemps(path)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("state %s is in use by another mockhub", path)
		}
		return nil, fmt.Errorf("opening state %s: %w", path, err)
	}
	d := &durable{db: db, log: log, done: make(chan struct{})}
	d.cond = sync.NewCond(&d.mu)
	go d.run()
	return d, nil
}

// removeStaleTemps deletes the ".<name>.tmp-*" files a writer killed
// mid-write leaves (the JSON writer of earlier versions, or a conversion).
func removeStaleTemps(path string) {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"))
	for _, m := range matches {
		_ = os.Remove(m)
	}
}

// enqueue queues ops; the caller holds the store's write lock, which orders
// batches. The channel receives the commit's result.
func (d *durable) enqueue(ops []record, reset bool) <-chan error {
	ch := make(chan error, 1)
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		ch <- errors.New("the state database is closed")
		return ch
	}
	d.queue = append(d.queue, batch{ops: ops, reset: reset, done: ch})
	d.cond.Signal()
	d.mu.Unlock()
	return ch
}

// run commits everything queued, one transaction per round: writers that
// queue while a commit is syncing share the next one.
func (d *durable) run() {
	defer close(d.done)
	for {
		d.mu.Lock()
		for len(d.queue) == 0 && !d.closed {
			d.cond.Wait()
		}
		if len(d.queue) == 0 && d.closed {
			d.mu.Unlock()
			return
		}
		q := d.queue
		d.queue = nil
		d.mu.Unlock()
		err := d.db.Update(func(tx *bolt.Tx) error { return applyBatches(tx, q) })
		if err != nil {
			d.log.Error("state not saved", "err", err)
		}
		for _, b := range q {
			b.done <- err
		}
	}
}

func applyBatches(tx *bolt.Tx, q []batch) error {
	for _, b := range q {
		if b.reset {
			for _, name := range allBuckets {
				if tx.Bucket(name) != nil {
					if err := tx.DeleteBucket(name); err != nil {
						return err
					}
				}
			}
		}
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		for _, o := range b.ops {
			bk := tx.Bucket(o.bucket)
			var err error
			if o.val == nil {
				err = bk.Delete(o.key)
			} else {
				err = bk.Put(o.key, o.val)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// close commits what is queued and closes the database.
func (d *durable) close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	d.cond.Signal()
	d.mu.Unlock()
	<-d.done
	return d.db.Close()
}

// load reads the world from the database as a snapshot; nil when the
// database is empty (just created).
func (d *durable) load() (*snapshot, error) {
	var snap *snapshot
	err := d.db.View(func(tx *bolt.Tx) error {
		mb := tx.Bucket(bMeta)
		if mb == nil || mb.Get(metaKey) == nil {
			return nil
		}
		var meta boltMeta
		if err := json.Unmarshal(mb.Get(metaKey), &meta); err != nil {
			return fmt.Errorf("meta: %w", err)
		}
		if meta.Format != stateFormatBolt {
			return fmt.Errorf("state format %d, want %d", meta.Format, stateFormatBolt)
		}
		snap = &snapshot{Format: stateFormat, Seq: meta.Seq, NextTeamID: meta.NextTeamID, Applied: map[string]*applied{}}
		each := func(b []byte, fn func(k, v []byte) error) error {
			bk := tx.Bucket(b)
			if bk == nil {
				return nil
			}
			return bk.ForEach(func(k, v []byte) error {
				if err := fn(k, v); err != nil {
					return fmt.Errorf("%s %q: %w", b, bytes.ReplaceAll(k, []byte{0}, []byte{'/'}), err)
				}
				return nil
			})
		}
		if err := each(bAccounts, func(_, v []byte) error {
			a := &account{}
			snap.Accounts = append(snap.Accounts, a)
			return json.Unmarshal(v, a)
		}); err != nil {
			return err
		}
		var companies []boltCompany
		if err := each(bCompanies, func(_, v []byte) error {
			c := boltCompany{company: &company{}}
			companies = append(companies, c)
			return json.Unmarshal(v, &companies[len(companies)-1])
		}); err != nil {
			return err
		}
		slices.SortFunc(companies, func(a, b boltCompany) int { return a.Order - b.Order })
		for _, c := range companies {
			snap.Companies = append(snap.Companies, c.company)
		}
		var orgs []boltOrg
		if err := each(bOrgs, func(_, v []byte) error {
			var o boltOrg
			orgs = append(orgs, o)
			return json.Unmarshal(v, &orgs[len(orgs)-1])
		}); err != nil {
			return err
		}
		slices.SortFunc(orgs, func(a, b boltOrg) int { return a.Order - b.Order })
		orgIndex := map[string]int{}
		for i, o := range orgs {
			orgIndex[o.Name] = i
			snap.Orgs = append(snap.Orgs, orgSnap{Name: o.Name, Company: o.Company})
		}
		if err := each(bMembers, func(k, v []byte) error {
			o, u, _ := strings.Cut(string(k), "\x00")
			i, ok := orgIndex[o]
			if !ok {
				return errors.New("unknown org")
			}
			var m membership
			if err := json.Unmarshal(v, &m); err != nil {
				return err
			}
			snap.Orgs[i].Members = append(snap.Orgs[i].Members, memberSnap{Username: u, Role: m.Role, Joined: m.Joined})
			return nil
		}); err != nil {
			return err
		}
		teamIndex := map[string][2]int{}
		if err := each(bTeams, func(k, v []byte) error {
			o, _, _ := strings.Cut(string(k), "\x00")
			i, ok := orgIndex[o]
			if !ok {
				return errors.New("unknown org")
			}
			var t teamSnap
			if err := json.Unmarshal(v, &t); err != nil {
				return err
			}
			t.Members = []string{}
			teamIndex[string(k)] = [2]int{i, len(snap.Orgs[i].Teams)}
			snap.Orgs[i].Teams = append(snap.Orgs[i].Teams, t)
			return nil
		}); err != nil {
			return err
		}
		if err := each(bTeamMembers, func(k, _ []byte) error {
			i := bytes.LastIndexByte(k, 0)
			if i < 0 {
				return errors.New("malformed key")
			}
			at, ok := teamIndex[string(k[:i])]
			if !ok {
				return errors.New("unknown team")
			}
			t := &snap.Orgs[at[0]].Teams[at[1]]
			t.Members = append(t.Members, string(k[i+1:]))
			return nil
		}); err != nil {
			return err
		}
		var conns []boltConn
		if err := each(bConns, func(_, v []byte) error {
			var c boltConn
			conns = append(conns, c)
			return json.Unmarshal(v, &conns[len(conns)-1])
		}); err != nil {
			return err
		}
		slices.SortFunc(conns, func(a, b boltConn) int { return a.Order - b.Order })
		connIndex := map[string]int{}
		for i, c := range conns {
			connIndex[c.ID] = i
			cs := c.connSnap
			cs.Users, cs.Groups = []*scimUser{}, []*scimGroup{}
			snap.Connections = append(snap.Connections, cs)
		}
		if err := each(bUsers, func(k, v []byte) error {
			c, _, _ := strings.Cut(string(k), "\x00")
			i, ok := connIndex[c]
			if !ok {
				return errors.New("unknown connection")
			}
			u := &scimUser{}
			snap.Connections[i].Users = append(snap.Connections[i].Users, u)
			return json.Unmarshal(v, u)
		}); err != nil {
			return err
		}
		if err := each(bGroups, func(k, v []byte) error {
			c, _, _ := strings.Cut(string(k), "\x00")
			i, ok := connIndex[c]
			if !ok {
				return errors.New("unknown connection")
			}
			g := &scimGroup{}
			snap.Connections[i].Groups = append(snap.Connections[i].Groups, g)
			return json.Unmarshal(v, g)
		}); err != nil {
			return err
		}
		for i := range snap.Connections {
			slices.SortFunc(snap.Connections[i].Users, func(a, b *scimUser) int { return cmpU64(a.Seq, b.Seq) })
			slices.SortFunc(snap.Connections[i].Groups, func(a, b *scimGroup) int { return cmpU64(a.Seq, b.Seq) })
		}
		return each(bApplied, func(k, v []byte) error {
			ap := &applied{}
			snap.Applied[string(k)] = ap
			return json.Unmarshal(v, ap)
		})
	})
	return snap, err
}

// isJSONState reports whether the file at path is a format-1 JSON state
// file (it starts with "{"), which openState converts.
func isJSONState(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	defer f.Close()
	buf := make([]byte, 64)
	n, err := f.Read(buf)
	if err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	t := bytes.TrimLeft(buf[:n], " \t\r\n")
	return len(t) > 0 && t[0] == '{', nil
}
