package mockhub

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// The -state file is a bbolt database holding the world as one record per
// entity: an account, an org membership, a team membership, a SCIM user, a
// SCIM group, ... A change writes only the records it touched (the store
// marks them dirty), so a write costs the same with 20 users or 20,000.
//
// Durability: a handler's changes are queued, in the order the store's
// write lock gave them, while it still holds the lock; one committer
// goroutine appends everything queued to a write-ahead log beside the
// database (FILE.wal) and syncs it, so concurrent writers share one fsync
// (group commit), and applies the log to the database now and then. The
// handler's answer is held until its changes are synced: every
// acknowledged write survives kill -9. A failed write turns the answer into
// a 500.
//
// The format-1 JSON file earlier versions wrote is no longer read: openState
// refuses it, saying so, rather than letting bbolt call it invalid.

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

// durable is the open state database, its write-ahead log and its
// committer.
//
// A round of queued batches is appended to the log as one checksummed frame
// and synced: one fsync per round, which the answers wait for. Every
// checkpointBytes of log, the batches are applied to the bbolt database in
// one transaction (bbolt syncs it), and the log is emptied. At start, frames
// left in the log (mockhub was killed) are applied to the database first; a
// torn last frame, never acknowledged, is dropped.
type durable struct {
	db      *bolt.DB
	log     *slog.Logger
	wal     *os.File
	walPath string
	walSize int64
	// checkpointAt is checkpointBytes when the database was opened.
	checkpointAt int64
	// unapplied holds the batches in the log and not yet in the database.
	unapplied []batch

	mu   sync.Mutex
	cond *sync.Cond
	// queue holds the batches not yet logged, in lock order.
	queue  []batch
	closed bool
	done   chan struct{}
}

// checkpointBytes is how much log accumulates before it is applied to the
// database: a bound on the log's size and on the replay at start.
var checkpointBytes int64 = 4 << 20

type batch struct {
	ops   []record
	reset bool // rewrite every bucket first
	done  chan error
}

// openDurable opens (creating) the database at path, applies what its log
// holds, removes temporary files an interrupted writer left beside it, and
// starts the committer.
func openDurable(path string, log *slog.Logger) (*durable, error) {
	removeStaleTemps(path)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("state %s is in use by another mockhub", path)
		}
		return nil, fmt.Errorf("opening state %s: %w", path, err)
	}
	d := &durable{db: db, log: log, walPath: path + ".wal", checkpointAt: checkpointBytes, done: make(chan struct{})}
	if err := d.replay(); err != nil {
		db.Close()
		return nil, fmt.Errorf("state %s: log %s: %w", path, d.walPath, err)
	}
	d.wal, err = os.OpenFile(d.walPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err == nil {
		err = syncDir(path)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("state %s: %w", path, err)
	}
	d.cond = sync.NewCond(&d.mu)
	go d.run()
	return d, nil
}

func syncDir(path string) error {
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync()
}

// replay applies the frames a killed mockhub left in the log to the
// database, then empties the log.
func (d *durable) replay() error {
	b, err := os.ReadFile(d.walPath)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(b) == 0) {
		return nil
	}
	if err != nil {
		return err
	}
	var q []batch
	frames := 0
	for len(b) >= 8 {
		n := binary.LittleEndian.Uint32(b)
		sum := binary.LittleEndian.Uint32(b[4:])
		if uint64(len(b)-8) < uint64(n) || crc32.Checksum(b[8:8+n], crcTable) != sum {
			break // torn: never synced, so never acknowledged
		}
		bs, err := decodeBatches(b[8 : 8+n])
		if err != nil {
			return err
		}
		q = append(q, bs...)
		b = b[8+n:]
		frames++
	}
	if len(q) > 0 {
		if err := d.db.Update(func(tx *bolt.Tx) error { return applyBatches(tx, q) }); err != nil {
			return err
		}
		d.log.Info("state log replayed", "frames", frames, "path", d.walPath)
	}
	return truncateFile(d.walPath)
}

func truncateFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// bucketIndex numbers the buckets for the log's encoding.
func bucketIndex(name []byte) byte {
	for i, b := range allBuckets {
		if bytes.Equal(b, name) {
			return byte(i)
		}
	}
	panic("unknown bucket " + string(name))
}

// encodeBatches writes batches as: per batch a reset byte and a record
// count, then per record its bucket index, key and value (length -1 for
// a deletion), lengths as uvarints offset by one.
func encodeBatches(q []batch) []byte {
	var buf []byte
	for _, b := range q {
		reset := byte(0)
		if b.reset {
			reset = 1
		}
		buf = append(buf, reset)
		buf = binary.AppendUvarint(buf, uint64(len(b.ops)))
		for _, o := range b.ops {
			buf = append(buf, bucketIndex(o.bucket))
			buf = binary.AppendUvarint(buf, uint64(len(o.key)))
			buf = append(buf, o.key...)
			if o.val == nil {
				buf = binary.AppendUvarint(buf, 0)
			} else {
				buf = binary.AppendUvarint(buf, uint64(len(o.val))+1)
				buf = append(buf, o.val...)
			}
		}
	}
	return buf
}

func decodeBatches(buf []byte) ([]batch, error) {
	bad := errors.New("malformed frame")
	uvarint := func() (uint64, bool) {
		v, n := binary.Uvarint(buf)
		if n <= 0 {
			return 0, false
		}
		buf = buf[n:]
		return v, true
	}
	var q []batch
	for len(buf) > 0 {
		b := batch{reset: buf[0] == 1}
		buf = buf[1:]
		count, ok := uvarint()
		if !ok {
			return nil, bad
		}
		for range count {
			if len(buf) == 0 || int(buf[0]) >= len(allBuckets) {
				return nil, bad
			}
			o := record{bucket: allBuckets[buf[0]]}
			buf = buf[1:]
			kl, ok := uvarint()
			if !ok || uint64(len(buf)) < kl {
				return nil, bad
			}
			o.key, buf = buf[:kl], buf[kl:]
			vl, ok := uvarint()
			if !ok || uint64(len(buf)) < max(vl, 1)-1 {
				return nil, bad
			}
			if vl > 0 {
				o.val, buf = buf[:vl-1], buf[vl-1:]
			}
			b.ops = append(b.ops, o)
		}
		q = append(q, b)
	}
	return q, nil
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
// batches. The channel receives the result once they are on disk.
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

// run logs everything queued, one frame and one fsync per round: writers
// that queue while a round is syncing share the next one.
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
		err := d.appendLog(q)
		if err != nil {
			d.log.Error("state not saved", "err", err)
		}
		for _, b := range q {
			b.done <- err
		}
		if err == nil && d.walSize >= d.checkpointAt {
			if err := d.checkpoint(); err != nil {
				d.log.Error("state checkpoint failed; the log keeps growing", "err", err)
			}
		}
	}
}

// appendLog writes q to the log as one frame and syncs it.
func (d *durable) appendLog(q []batch) error {
	payload := encodeBatches(q)
	frame := make([]byte, 8, 8+len(payload))
	binary.LittleEndian.PutUint32(frame, uint32(len(payload)))
	binary.LittleEndian.PutUint32(frame[4:], crc32.Checksum(payload, crcTable))
	frame = append(frame, payload...)
	if _, err := d.wal.Write(frame); err != nil {
		return err
	}
	if err := d.wal.Sync(); err != nil {
		return err
	}
	d.walSize += int64(len(frame))
	d.unapplied = append(d.unapplied, q...)
	return nil
}

// checkpoint applies the logged batches to the database and empties the
// log.
func (d *durable) checkpoint() error {
	if len(d.unapplied) > 0 {
		if err := d.db.Update(func(tx *bolt.Tx) error { return applyBatches(tx, d.unapplied) }); err != nil {
			return err
		}
	}
	if err := d.wal.Truncate(0); err != nil {
		return err
	}
	if err := d.wal.Sync(); err != nil {
		return err
	}
	d.unapplied, d.walSize = nil, 0
	return nil
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

// close logs what is queued, applies the log to the database, removes the
// log and closes the database.
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
	err := d.checkpoint()
	if cerr := d.wal.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Remove(d.walPath)
	}
	if cerr := d.db.Close(); err == nil {
		err = cerr
	}
	return err
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
			slices.SortFunc(snap.Connections[i].Users, func(a, b *scimUser) int { return cmp.Compare(a.Seq, b.Seq) })
			slices.SortFunc(snap.Connections[i].Groups, func(a, b *scimGroup) int { return cmp.Compare(a.Seq, b.Seq) })
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
// file (it starts with "{"), which openState refuses.
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
