package snapshot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
)

// rcItem is what the fake collection holds.
type rcItem struct{ name string }

// rcFake is a collection behind a fake server: it counts GETs and listings,
// and can hold a listing until the test releases it.
type rcFake struct {
	mu      sync.Mutex
	items   map[string]*rcItem
	gets    atomic.Int64
	lists   atomic.Int64
	listErr error
	hold    chan struct{} // when set, a listing waits for it to close
	started chan struct{} // when set, closed as the first listing starts
	during  func()        // when set, called inside the listing, before it answers
}

func newRCFake(n int) *rcFake {
	f := &rcFake{items: map[string]*rcItem{}}
	for i := range n {
		id := fmt.Sprintf("id-%d", i)
		f.items[id] = &rcItem{name: "server-" + id}
	}
	return f
}

func (f *rcFake) getOne(_ context.Context, id string) (*rcItem, error) {
	f.gets.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.items[id]
	if !ok {
		return nil, &httpx.Error{Method: "GET", Path: "/Users/" + id, StatusCode: http.StatusNotFound}
	}
	c := *v
	return &c, nil
}

func (f *rcFake) listAll(ctx context.Context, add func(string, *rcItem)) error {
	if f.lists.Add(1) == 1 && f.started != nil {
		close(f.started)
	}
	if f.hold != nil {
		select {
		case <-f.hold:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if f.during != nil {
		f.during()
	}
	if f.listErr != nil {
		return f.listErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, v := range f.items {
		c := *v
		add(id, &c)
	}
	return nil
}

func (f *rcFake) get(ctx context.Context, c *collection[rcItem], id string) (*rcItem, error) {
	return c.get(ctx, id, f.getOne, f.listAll)
}

// warm spends the direct reads, so that the next get lists.
func (f *rcFake) warm(t *testing.T, c *collection[rcItem]) {
	t.Helper()
	for i := range DirectReads {
		if _, err := f.get(context.Background(), c, fmt.Sprintf("id-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
}

// warmed is a fake of 10 objects and a collection that has answered
// DirectReads of them with GETs: the next miss lists.
func warmed(t *testing.T) (*rcFake, *collection[rcItem]) {
	t.Helper()
	f, c := newRCFake(10), newCollection[rcItem]()
	f.warm(t, c)
	return f, c
}

// wantListings fails t unless f was listed n times; why says why n.
func (f *rcFake) wantListings(t *testing.T, n int64, why string) {
	t.Helper()
	if got := f.lists.Load(); got != n {
		t.Errorf("listed %d times, want %d%s", got, n, why)
	}
}

func TestReadCacheFirstReadsAreGets(t *testing.T) {
	t.Parallel()
	f, _ := warmed(t)
	if got := f.gets.Load(); got != DirectReads {
		t.Errorf("the first %d reads sent %d GETs, want one each", DirectReads, got)
	}
	if got := f.lists.Load(); got != 0 {
		t.Errorf("the first %d reads listed the collection %d times, want 0", DirectReads, got)
	}
}

func TestReadCacheConcurrentReadsShareOneListing(t *testing.T) {
	t.Parallel()
	const n = 500
	f, c := newRCFake(n), newCollection[rcItem]()
	f.hold = make(chan struct{})
	f.started = make(chan struct{})

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("id-%d", i)
			v, err := f.get(context.Background(), c, id)
			switch {
			case err != nil:
				errs <- fmt.Errorf("%s: %w", id, err)
			case v.name != "server-"+id:
				errs <- fmt.Errorf("%s: got %q", id, v.name)
			}
		}()
	}
	<-f.started
	// Let the other readers pile up behind the listing before it answers.
	time.Sleep(50 * time.Millisecond)
	close(f.hold)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := f.lists.Load(); got != 1 {
		t.Errorf("%d concurrent reads listed the collection %d times, want exactly 1", n, got)
	}
	if got := f.gets.Load(); got != DirectReads {
		t.Errorf("%d concurrent reads sent %d GETs, want %d (only the direct reads before the listing)", n, got, DirectReads)
	}
}

func TestReadCacheMissFallsBackToGet(t *testing.T) {
	t.Parallel()
	f, c := warmed(t)
	if _, err := f.get(context.Background(), c, "id-5"); err != nil {
		t.Fatal(err)
	}
	gets := f.gets.Load()

	// Created after the snapshot was taken: found by a GET.
	f.mu.Lock()
	f.items["late"] = &rcItem{name: "late"}
	f.mu.Unlock()
	v, err := f.get(context.Background(), c, "late")
	if err != nil || v.name != "late" {
		t.Fatalf("get(late) = %v, %v; want the object created after the snapshot", v, err)
	}
	if got := f.gets.Load() - gets; got != 1 {
		t.Errorf("a miss sent %d GETs, want 1", got)
	}
	// Now it is in the snapshot: no second GET.
	if _, err := f.get(context.Background(), c, "late"); err != nil {
		t.Fatal(err)
	}
	if got := f.gets.Load() - gets; got != 1 {
		t.Errorf("reading the fetched object again sent %d GETs in all, want 1", got)
	}

	// Absent from the snapshot and from the server: the GET's 404 comes back.
	_, err = f.get(context.Background(), c, "gone")
	if !errors.Is(err, httpx.ErrNotFound) {
		t.Errorf("get(gone) error = %v, want one matching httpx.ErrNotFound", err)
	}
	f.wantListings(t, 1, "")
}

func TestReadCacheSeesChangesMadeBeforeTheSnapshot(t *testing.T) {
	t.Parallel()
	f, c := warmed(t)
	// Changed and deleted out of band before the listing: both are drift.
	f.mu.Lock()
	f.items["id-7"] = &rcItem{name: "edited outside"}
	delete(f.items, "id-8")
	f.mu.Unlock()

	v, err := f.get(context.Background(), c, "id-7")
	if err != nil || v.name != "edited outside" {
		t.Errorf("get(id-7) = %v, %v; want the out-of-band edit", v, err)
	}
	if _, err := f.get(context.Background(), c, "id-8"); !errors.Is(err, httpx.ErrNotFound) {
		t.Errorf("get(id-8) error = %v, want not found for the object deleted out of band", err)
	}
}

func TestReadCachePutAndRemove(t *testing.T) {
	t.Parallel()
	f, c := warmed(t)
	if _, err := f.get(context.Background(), c, "id-4"); err != nil {
		t.Fatal(err)
	}
	gets := f.gets.Load()

	c.put("id-4", &rcItem{name: "written"})
	c.put("new", &rcItem{name: "created"})
	if v, err := f.get(context.Background(), c, "id-4"); err != nil || v.name != "written" {
		t.Errorf("get(id-4) after put = %v, %v; want the written version", v, err)
	}
	if v, err := f.get(context.Background(), c, "new"); err != nil || v.name != "created" {
		t.Errorf("get(new) after put = %v, %v; want the created object", v, err)
	}
	if got := f.gets.Load() - gets; got != 0 {
		t.Errorf("reading written objects sent %d GETs, want 0", got)
	}

	// A removed object is asked for again, so its deletion shows.
	c.remove("id-4")
	f.mu.Lock()
	delete(f.items, "id-4")
	f.mu.Unlock()
	if _, err := f.get(context.Background(), c, "id-4"); !errors.Is(err, httpx.ErrNotFound) {
		t.Errorf("get(id-4) after remove error = %v, want not found", err)
	}
	if got := f.gets.Load() - gets; got != 1 {
		t.Errorf("reading a removed object sent %d GETs, want 1", got)
	}
}

func TestReadCacheWritesDuringListingWin(t *testing.T) {
	t.Parallel()
	f, c := warmed(t)
	// The listing answers with the server's old versions, but these writes
	// land while it is in flight and are newer.
	f.during = func() {
		c.put("id-5", &rcItem{name: "written during listing"})
		c.remove("id-6")
	}
	if _, err := f.get(context.Background(), c, "id-9"); err != nil {
		t.Fatal(err)
	}
	if v, err := f.get(context.Background(), c, "id-5"); err != nil || v.name != "written during listing" {
		t.Errorf("get(id-5) = %v, %v; want the write made during the listing", v, err)
	}
	gets := f.gets.Load()
	// The removed object is not resurrected from the listing: it is asked for.
	if _, err := f.get(context.Background(), c, "id-6"); err != nil {
		t.Fatal(err)
	}
	if got := f.gets.Load() - gets; got != 1 {
		t.Errorf("reading an object removed during the listing sent %d GETs, want 1", got)
	}
}

func TestReadCacheFailedListingFallsBackToGets(t *testing.T) {
	t.Parallel()
	f, c := newRCFake(10), newCollection[rcItem]()
	f.listErr = &httpx.Error{Method: "GET", Path: "/Users", StatusCode: http.StatusInternalServerError}
	f.warm(t, c)
	for i := range 10 {
		id := fmt.Sprintf("id-%d", i)
		v, err := f.get(context.Background(), c, id)
		if err != nil || v.name != "server-"+id {
			t.Fatalf("get(%s) after a failed listing = %v, %v; want the object by GET", id, v, err)
		}
	}
	f.wantListings(t, 1, " after a failure (a failed listing is not retried in the same command)")
	if got, want := f.gets.Load(), int64(DirectReads+10); got != want {
		t.Errorf("sent %d GETs, want %d", got, want)
	}
}

func TestReadCacheCancelWhileWaiting(t *testing.T) {
	t.Parallel()
	f, c := warmed(t)
	f.hold = make(chan struct{})
	f.started = make(chan struct{})

	loaded := make(chan error, 1)
	go func() {
		_, err := f.get(context.Background(), c, "id-3")
		loaded <- err
	}()
	<-f.started

	ctx, cancel := context.WithCancel(context.Background())
	waited := make(chan error, 1)
	go func() {
		_, err := f.get(ctx, c, "id-4")
		waited <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-waited:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("a cancelled waiter got %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a reader waiting for the listing did not return when its context was cancelled")
	}

	close(f.hold)
	if err := <-loaded; err != nil {
		t.Errorf("the listing reader got %v", err)
	}
	f.wantListings(t, 1, "")
}

func TestReadCacheCancelledListingIsTakenOver(t *testing.T) {
	t.Parallel()
	f, c := warmed(t)
	f.hold = make(chan struct{})
	f.started = make(chan struct{})

	ctx, cancel := context.WithCancel(context.Background())
	loaded := make(chan error, 1)
	go func() {
		_, err := f.get(ctx, c, "id-3")
		loaded <- err
	}()
	<-f.started
	waited := make(chan error, 1)
	go func() {
		v, err := f.get(context.Background(), c, "id-4")
		if err == nil && v.name != "server-id-4" {
			err = fmt.Errorf("got %q", v.name)
		}
		waited <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-loaded; !errors.Is(err, context.Canceled) {
		t.Errorf("the cancelled listing reader got %v, want context.Canceled", err)
	}
	// The waiter, whose context is alive, lists again.
	close(f.hold)
	if err := <-waited; err != nil {
		t.Errorf("the waiting reader got %v", err)
	}
	f.wantListings(t, 2, " (the cancelled listing, then the waiter's)")
	gets := f.gets.Load()
	if _, err := f.get(context.Background(), c, "id-9"); err != nil {
		t.Fatal(err)
	}
	if f.gets.Load() != gets {
		t.Error("a read after the taken-over listing sent a GET; the snapshot should answer it")
	}
}

// TestUserCacheAgainstMockhub counts what a refresh of many users costs
// against mockhub through the real SCIM client: the direct reads, the
// ServiceProviderConfig, and pages of the largest size the server allows.
func TestUserCacheAgainstMockhub(t *testing.T) {
	t.Parallel()
	const n = 450
	mh, err := mockhub.New(mockhub.Options{SCIMToken: "rc-token"})
	if err != nil {
		t.Fatal(err)
	}
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		mh.ServeHTTP(w, r)
	}))
	defer srv.Close()
	info := mh.Info(srv.URL)
	client, err := scim.New(scim.Config{BaseURL: info.SCIMBaseURL, Token: info.SCIMToken})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ids := make([]string, n)
	for i := range n {
		u, err := client.CreateUser(ctx, &scim.User{UserName: fmt.Sprintf("rc%d@moby.example", i), Active: &[]bool{true}[0]})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = u.ID
	}
	// Changed outside the provider before the refresh: must show.
	if _, err := client.PatchUser(ctx, ids[100], []scim.PatchOp{{Op: "replace", Path: "displayName", Value: "edited"}}, ""); err != nil {
		t.Fatal(err)
	}
	// A fresh client, as a new CLI command would have.
	client, err = scim.New(scim.Config{BaseURL: info.SCIMBaseURL, Token: info.SCIMToken})
	if err != nil {
		t.Fatal(err)
	}
	requests.Store(0)

	cache := NewUsers()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 10) // the CLI's default parallelism
	for i, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			u, err := cache.Get(ctx, client, id)
			if err != nil {
				t.Errorf("get(%s): %v", id, err)
				return
			}
			if i == 100 && u.DisplayName != "edited" {
				t.Errorf("user 100 has displayName %q, want the out-of-band edit", u.DisplayName)
			}
		}()
	}
	wg.Wait()
	// 3 direct GETs + ServiceProviderConfig + ceil(450/200) = 3 pages.
	if got, want := requests.Load(), int64(DirectReads+1+3); got != want {
		t.Errorf("reading %d users sent %d requests, want %d", n, got, want)
	}
	if _, err := cache.Get(ctx, client, ""); !errors.Is(err, httpx.ErrNotFound) {
		t.Errorf("get with an empty id = %v, want not found", err)
	}
}

// TestUserCacheDuringOutage: with every answer a 503, the listing gives up
// when the client trips, and the fallback GET of every later Read fails at
// once without a request, instead of each spending its own retries.
func TestUserCacheDuringOutage(t *testing.T) {
	t.Parallel()
	const n = 50
	mh, err := mockhub.New(mockhub.Options{SCIMToken: "rc-outage-token"})
	if err != nil {
		t.Fatal(err)
	}
	// Each answer takes 20 s on the client's clock, so that the one-minute
	// window passes after a few failures without the test waiting for it.
	var mu sync.Mutex
	clock := time.Unix(1_800_000_000, 0)
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return clock
	}
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/_mock/faults" {
			requests.Add(1)
			mu.Lock()
			clock = clock.Add(20 * time.Second)
			mu.Unlock()
		}
		mh.ServeHTTP(w, r)
	}))
	defer srv.Close()
	info := mh.Info(srv.URL)
	ctx := context.Background()
	setup, err := scim.New(scim.Config{BaseURL: info.SCIMBaseURL, Token: info.SCIMToken})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, n)
	for i := range n {
		u, err := setup.CreateUser(ctx, &scim.User{UserName: fmt.Sprintf("outage%d@moby.example", i), Active: &[]bool{true}[0]})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = u.ID
	}
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/_mock/faults", strings.NewReader(`{"fail_every":1}`))
	if resp, err := srv.Client().Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("setting faults: %v %v", resp, err)
	}
	client, err := scim.New(scim.Config{BaseURL: info.SCIMBaseURL, Token: info.SCIMToken, HTTP: httpx.Options{
		OutageWindow: time.Minute, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, Now: now,
	}})
	if err != nil {
		t.Fatal(err)
	}
	requests.Store(0)

	cache := NewUsers()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 10) // the CLI's default parallelism
	var failed atomic.Int64
	for _, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if _, err := cache.Get(ctx, client, id); errors.Is(err, httpx.ErrOutage) {
				failed.Add(1)
			} else {
				t.Errorf("get(%s) = %v, want an outage error", id, err)
			}
		}()
	}
	wg.Wait()
	if failed.Load() != n {
		t.Fatalf("%d of %d reads failed with the outage", failed.Load(), n)
	}
	// The window passes after 4 failing answers; at most 10 Reads are in
	// flight when it does. Without the trip, each of the 50 Reads would
	// send RetryMax+1 = 5 GETs of its own.
	if got := requests.Load(); got > 4+10 {
		t.Errorf("%d reads during an outage sent %d requests, want at most 14", n, got)
	}
}
