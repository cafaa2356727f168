package mockhub

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// benchServer builds a Server whose moby connection has n SCIM users,
// seeded straight into the store.
func benchServer(b *testing.B, n int) (*Server, []string) {
	b.Helper()
	srv, err := New(Options{SCIMToken: mobyToken})
	if err != nil {
		b.Fatal(err)
	}
	st := srv.st
	st.mu.Lock()
	defer st.mu.Unlock()
	c := st.conns[DefaultOrgConnectionID]
	now := time.Now().UTC()
	ids := make([]string, n)
	for i := range n {
		name := fmt.Sprintf("bench%07d", i)
		st.addAccount(&account{ID: name, Username: name, Email: name + "@moby.example", DateJoined: now})
		u := &scimUser{Seq: st.nextSeq(), ID: uuid.NewString(), Account: name, Created: now, Modified: now, Version: 1}
		applyUserInput(u, &userInput{UserName: name + "@moby.example", Active: true, ActiveSet: true, Role: "member",
			Name: userNameParts{GivenName: "Bench", FamilyName: fmt.Sprint(i)}})
		st.addUser(c, u)
		st.syncAccount(name)
		ids[i] = u.ID
	}
	return srv, ids
}

func serve(b *testing.B, srv *Server, method, target, body string, status int) {
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	req.Header.Set("Authorization", "Bearer "+mobyToken)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != status {
		b.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body)
	}
}

var benchSizes = []int{10_000, 100_000}

func BenchmarkCreateUser(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			srv, _ := benchServer(b, n)
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				serve(b, srv, "POST", scimPrefix+"/Users",
					fmt.Sprintf(`{"schemas":["%s"],"userName":"new%d@moby.example","name":{"givenName":"N","familyName":"U"}}`, userURN, i), 201)
			}
		})
	}
}

func BenchmarkGetUser(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			srv, ids := benchServer(b, n)
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				serve(b, srv, "GET", scimPrefix+"/Users/"+ids[(i*7919)%n], "", 200)
			}
		})
	}
}

func BenchmarkFilterUserName(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			srv, _ := benchServer(b, n)
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				serve(b, srv, "GET", fmt.Sprintf(`%s/Users?filter=userName%%20eq%%20%%22BENCH%07d@moby.example%%22`, scimPrefix, (i*7919)%n), "", 200)
			}
		})
	}
}

func BenchmarkListPage(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			srv, _ := benchServer(b, n)
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				start := 1 + (i*200)%(n-200)
				serve(b, srv, "GET", fmt.Sprintf("%s/Users?startIndex=%d&count=200", scimPrefix, start), "", 200)
			}
		})
	}
}
