package mockhub

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Seed describes the world mockhub starts from: Docker accounts, companies,
// organizations with their members and teams, and SSO connections.
//
// It is read from JSON (cmd/mockhub -seed FILE) in this shape; every list is
// optional, and names are matched case-insensitively:
//
//	{
//	  "accounts": [
//	    {"username": "admin", "email": "admin@moby.example",
//	     "password": "mockhub-admin-password", "full_name": "Moby Admin"},
//	    {"username": "dev", "email": "dev@moby.example", "password": "mockhub-dev-password"}
//	  ],
//	  "companies": [
//	    {"name": "moby-inc", "owners": ["admin"], "orgs": ["moby-labs"]}
//	  ],
//	  "orgs": [
//	    {"name": "moby",
//	     "members": [{"username": "admin", "role": "owner"},
//	                 {"username": "dev", "role": "member"}],
//	     "teams": [{"name": "developers", "description": "Devs", "members": ["dev"]}]},
//	    {"name": "moby-labs", "members": [{"username": "admin", "role": "owner"}]}
//	  ],
//	  "connections": [
//	    {"id": "6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e01", "name": "Moby Okta",
//	     "type": "SAML", "domains": ["moby.example"], "org": "moby",
//	     "scim_token": "optional: SCIM enabled at start with this token"}
//	  ]
//	}
//
// An org's owners are its members with role "owner" (roles: member, editor,
// owner). A company's owners administer every org of the company. A
// connection is on exactly one of "org" or "company"; its SCIM users land in
// that org, or in the company's first org unless they name another with
// dockerOrg. Team members must be members of the org. The password doubles as
// a personal access token for POST /v2/auth/token.
type Seed struct {
	Accounts    []SeedAccount    `json:"accounts"`
	Companies   []SeedCompany    `json:"companies"`
	Orgs        []SeedOrg        `json:"orgs"`
	Connections []SeedConnection `json:"connections"`
}

// SeedAccount is a Docker account.
type SeedAccount struct {
	Username string `json:"username"`
	Email    string `json:"email"`
	Password string `json:"password,omitempty"`
	FullName string `json:"full_name,omitempty"`
}

// SeedCompany is a company: its owners and its orgs, first org first.
type SeedCompany struct {
	Name   string   `json:"name"`
	Owners []string `json:"owners"`
	Orgs   []string `json:"orgs"`
}

// SeedOrg is an organization with its members and teams.
type SeedOrg struct {
	Name    string       `json:"name"`
	Members []SeedMember `json:"members"`
	Teams   []SeedTeam   `json:"teams,omitempty"`
}

// SeedMember is an org membership.
type SeedMember struct {
	Username string `json:"username"`
	Role     string `json:"role"` // member (default), editor or owner
}

// SeedTeam is a team (Docker Hub's API calls them groups).
type SeedTeam struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Members     []string `json:"members,omitempty"`
}

// SeedConnection is an SSO connection on an org or a company.
type SeedConnection struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Type      string   `json:"type"` // SAML or OIDC
	Domains   []string `json:"domains"`
	Org       string   `json:"org,omitempty"`
	Company   string   `json:"company,omitempty"`
	SCIMToken string   `json:"scim_token,omitempty"` // non-empty: SCIM enabled with this token
}

// Default seed identifiers, as DESIGN.md documents them.
const (
	DefaultOrgConnectionID     = "6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e01"
	DefaultCompanyConnectionID = "6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e02"
	DefaultWhaleConnectionID   = "6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e03"
)

// DefaultSeed returns the world DESIGN.md and the README document: orgs
// moby and whale in no company, each with its own SSO connection, company
// moby-inc with org moby-labs, covered by the company's connection (a
// company's orgs are covered at company level, as on Docker), accounts
// admin, dev and jane, and SCIM disabled everywhere.
func DefaultSeed() *Seed {
	return &Seed{
		Accounts: []SeedAccount{
			{Username: "admin", Email: "admin@moby.example", Password: "mockhub-admin-password", FullName: "Moby Admin"},
			{Username: "dev", Email: "dev@moby.example", Password: "mockhub-dev-password", FullName: "Moby Developer"},
			{Username: "jane", Email: "jane@moby.example", Password: "mockhub-jane-password", FullName: "Jane Doe"},
		},
		Companies: []SeedCompany{
			{Name: "moby-inc", Owners: []string{"admin"}, Orgs: []string{"moby-labs"}},
		},
		Orgs: []SeedOrg{
			{Name: "moby", Members: []SeedMember{{Username: "admin", Role: "owner"}, {Username: "dev", Role: "member"}}},
			{Name: "whale", Members: []SeedMember{{Username: "admin", Role: "owner"}}},
			{Name: "moby-labs", Members: []SeedMember{{Username: "admin", Role: "owner"}}},
		},
		Connections: []SeedConnection{
			{ID: DefaultOrgConnectionID, Name: "Moby Okta", Type: "SAML", Domains: []string{"moby.example"}, Org: "moby"},
			{ID: DefaultCompanyConnectionID, Name: "Moby Inc Entra", Type: "OIDC", Domains: []string{"moby-inc.example"}, Company: "moby-inc"},
			{ID: DefaultWhaleConnectionID, Name: "Whale OneLogin", Type: "SAML", Domains: []string{"whale.example"}, Org: "whale"},
		},
	}
}

// LoadSeed reads a Seed from a JSON file. Unknown fields are an error, so
// that a typo does not silently drop part of the world.
func LoadSeed(path string) (*Seed, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading seed: %w", err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	var s Seed
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("decoding seed %s: %w", path, err)
	}
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("seed %s: %w", path, err)
	}
	return &s, nil
}

func validRole(r string) bool { return r == "member" || r == "editor" || r == "owner" }

// validate checks the references inside a seed.
func (s *Seed) validate() error {
	accounts := map[string]bool{}
	emails := map[string]bool{}
	for _, a := range s.Accounts {
		u := strings.ToLower(a.Username)
		if u == "" {
			return fmt.Errorf("an account has no username")
		}
		if accounts[u] {
			return fmt.Errorf("account %q is listed twice", a.Username)
		}
		accounts[u] = true
		if e := strings.ToLower(a.Email); e != "" {
			if emails[e] {
				return fmt.Errorf("email %q belongs to two accounts", a.Email)
			}
			emails[e] = true
		}
	}
	orgs := map[string]bool{}
	for _, o := range s.Orgs {
		n := strings.ToLower(o.Name)
		if n == "" {
			return fmt.Errorf("an org has no name")
		}
		if orgs[n] {
			return fmt.Errorf("org %q is listed twice", o.Name)
		}
		orgs[n] = true
		members := map[string]bool{}
		for _, m := range o.Members {
			if !accounts[strings.ToLower(m.Username)] {
				return fmt.Errorf("org %q: member %q is not an account", o.Name, m.Username)
			}
			if m.Role != "" && !validRole(m.Role) {
				return fmt.Errorf("org %q: member %q has role %q (want member, editor or owner)", o.Name, m.Username, m.Role)
			}
			members[strings.ToLower(m.Username)] = true
		}
		teams := map[string]bool{}
		for _, t := range o.Teams {
			tn := strings.ToLower(t.Name)
			if tn == "" || teams[tn] {
				return fmt.Errorf("org %q: team %q is unnamed or listed twice", o.Name, t.Name)
			}
			teams[tn] = true
			for _, m := range t.Members {
				if !members[strings.ToLower(m)] {
					return fmt.Errorf("org %q: team %q: %q is not a member of the org", o.Name, t.Name, m)
				}
			}
		}
	}
	companies := map[string]bool{}
	inCompany := map[string]string{}
	for _, c := range s.Companies {
		n := strings.ToLower(c.Name)
		if n == "" || companies[n] {
			return fmt.Errorf("company %q is unnamed or listed twice", c.Name)
		}
		companies[n] = true
		for _, o := range c.Owners {
			if !accounts[strings.ToLower(o)] {
				return fmt.Errorf("company %q: owner %q is not an account", c.Name, o)
			}
		}
		for _, o := range c.Orgs {
			on := strings.ToLower(o)
			if !orgs[on] {
				return fmt.Errorf("company %q: org %q is not an org", c.Name, o)
			}
			if prev, ok := inCompany[on]; ok {
				return fmt.Errorf("org %q is in two companies (%s, %s)", o, prev, c.Name)
			}
			inCompany[on] = c.Name
		}
	}
	ids := map[string]bool{}
	for _, c := range s.Connections {
		if c.ID == "" || ids[strings.ToLower(c.ID)] {
			return fmt.Errorf("connection %q has no id or a duplicate one", c.Name)
		}
		ids[strings.ToLower(c.ID)] = true
		if (c.Org == "") == (c.Company == "") {
			return fmt.Errorf("connection %s must be on exactly one of org or company", c.ID)
		}
		if c.Org != "" && !orgs[strings.ToLower(c.Org)] {
			return fmt.Errorf("connection %s: org %q is not an org", c.ID, c.Org)
		}
		if c.Company != "" {
			if !companies[strings.ToLower(c.Company)] {
				return fmt.Errorf("connection %s: company %q is not a company", c.ID, c.Company)
			}
			has := false
			for _, co := range s.Companies {
				if strings.EqualFold(co.Name, c.Company) && len(co.Orgs) > 0 {
					has = true
				}
			}
			if !has {
				return fmt.Errorf("connection %s: company %q has no orgs", c.ID, c.Company)
			}
		}
		if t := strings.ToUpper(c.Type); t != "SAML" && t != "OIDC" {
			return fmt.Errorf("connection %s: type %q (want SAML or OIDC)", c.ID, c.Type)
		}
	}
	return nil
}
