// Package diagnostics turns client errors into Terraform diagnostics, so that
// every resource words the same failure the same way, with advice a user can
// act on. It is the one place where typed client errors become text.
package diagnostics

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
)

// API names which credentials a failing call used, so that advice points at
// the right provider attributes.
type API int

// The two APIs the provider calls.
const (
	SCIM API = iota
	Management
)

// Action is what the provider was doing when a client call failed.
type Action int

// The actions a diagnostic can name.
const (
	ActionCreate Action = iota + 1
	ActionRead
	ActionUpdate
	ActionDelete
	ActionImport
	ActionList
	ActionRename
	ActionDeactivate
	ActionEnable
	ActionRotate
	ActionDisable
)

var actionWords = map[Action][2]string{
	ActionCreate:     {"create", "creating"},
	ActionRead:       {"read", "reading"},
	ActionUpdate:     {"update", "updating"},
	ActionDelete:     {"delete", "deleting"},
	ActionImport:     {"import", "importing"},
	ActionList:       {"list", "listing"},
	ActionRename:     {"rename", "renaming"},
	ActionDeactivate: {"deactivate", "deactivating"},
	ActionEnable:     {"enable", "enabling"},
	ActionRotate:     {"rotate", "rotating"},
	ActionDisable:    {"disable", "disabling"},
}

// String is the verb: "create".
func (a Action) String() string { return actionWords[a][0] }

// gerund is the verb's -ing form: "creating".
func (a Action) gerund() string { return actionWords[a][1] }

// Call is a client call that failed: through which API, doing what, to
// which object.
type Call struct {
	API    API
	Action Action
	What   string // the kind of object, such as "SCIM user"
	ID     string // how the user knows it, such as "jane@example.com"; may be empty
}

// AddClientError adds an error diagnostic for a failed client call.
func AddClientError(diags *diag.Diagnostics, call Call, err error) {
	diags.AddError(Summary(call), Detail(call, err))
}

// AddAttributeClientError is AddClientError tied to an attribute path.
func AddAttributeClientError(diags *diag.Diagnostics, p path.Path, call Call, err error) {
	diags.AddAttributeError(p, Summary(call), Detail(call, err))
}

// AddOrgNotProvisioned reports Docker's refusal (400) of an object whose
// organization the SSO connection does not provision, on the attribute that
// names the organization and in the provider's words (attribute is e.g.
// "org_name"; Docker's own text may name its SCIM field instead). It returns
// false, adding nothing, when err is not such a refusal.
func AddOrgNotProvisioned(diags *diag.Diagnostics, p path.Path, attribute, org string, call Call, err error) bool {
	if !errors.Is(err, httpx.ErrBadRequest) {
		return false
	}
	diags.AddAttributeError(p, Summary(call),
		fmt.Sprintf("Couldn't %s %s %q: Docker refused %s = %q. An SSO connection provisions only its own "+
			"organization, or the organizations of its company: set %s to one of them, or use the SCIM token of "+
			"the SSO connection of %q.\n\nDocker answered: %s", call.Action, call.What, call.ID, attribute, org, attribute, org, err))
	return true
}

// Summary is the diagnostic summary for a failed call, e.g. "Error creating SCIM user".
func Summary(call Call) string {
	return fmt.Sprintf("Error %s %s", call.Action.gerund(), call.What)
}

// Detail words a failed call and appends advice for the error's kind.
// When the client had stopped sending requests (an *httpx.OutageError), only
// the first diagnostic of that outage explains it in full; every later one
// is a single line that refers to it, so that a run over many objects does
// not print the same explanation once per object. The same holds for a
// base URL that is not a SCIM API.
func Detail(call Call, err error) string {
	var endpoint *scim.EndpointError
	if errors.As(err, &endpoint) && !endpoint.ClaimReport() {
		return fmt.Sprintf("Not attempted: %s is not a SCIM API (see the first error for details).", endpoint.BaseURL)
	}
	var outage *httpx.OutageError
	if errors.As(err, &outage) && !outage.ClaimReport() {
		return OutageRepeat(call.API, outage)
	}
	var unsupported *scim.UnsupportedError
	if errors.As(err, &unsupported) && !unsupported.ClaimReport() {
		return fmt.Sprintf("Not attempted: the SCIM server does not support %s (see the first error for details).", unsupported.Feature)
	}
	subject := call.What
	if call.ID != "" {
		subject = fmt.Sprintf("%s %q", call.What, call.ID)
	}
	msg := fmt.Sprintf("Couldn't %s %s: %s", call.Action, subject, err)
	if advice := Advice(call.API, err); advice != "" {
		msg += "\n\n" + advice
	}
	return msg
}

// OutageRepeat is the one-line detail for an object that failed because of
// an outage another diagnostic already explains.
func OutageRepeat(api API, err *httpx.OutageError) string {
	verb := "Not attempted"
	if err.Err != nil {
		verb = "Failed"
	}
	return fmt.Sprintf("%s: %s %s (see the first error for details).", verb, serverName(api, err.Host()), outageState(err))
}

// serverName names the server an API's calls went to.
func serverName(api API, host string) string {
	if api == SCIM {
		return "the SCIM server at " + host
	}
	return "Docker Hub at " + host
}

// outageState words why the client stopped: "is unreachable".
func outageState(err *httpx.OutageError) string {
	switch err.Reason() {
	case httpx.OutageUnreachable:
		return "is unreachable"
	case httpx.OutageUnauthorized:
		return "rejected the credentials"
	default:
		return fmt.Sprintf("answered no request successfully for %s", err.FailingFor().Round(time.Second))
	}
}

// outageAdvice explains an outage once: what the provider did about it and
// what to check.
func outageAdvice(api API, err *httpx.OutageError) string {
	server := serverName(api, err.Host())
	setting := "scim_base_url (DOCKER_SCIM_BASE_URL)"
	if api == Management {
		setting = "host (DOCKER_HUB_HOST)"
	}
	switch err.Reason() {
	case httpx.OutageUnreachable:
		return fmt.Sprintf("Nothing answered at %s for %s: connections were refused or the host name did not resolve. "+
			"Check %s and that the server is running. The provider stopped sending requests for the rest of this run, "+
			"so other objects report only \"Not attempted\"; objects already changed are recorded in state.",
			server, err.FailingFor().Round(time.Second), setting)
	case httpx.OutageUnauthorized:
		return "The provider stopped sending requests with these credentials for the rest of this run, so other objects report only \"Not attempted\"."
	default:
		return fmt.Sprintf("%s answered no request successfully for %s while requests kept failing (too many requests, "+
			"server errors or no answer), so the provider stopped sending requests for the rest of this run and other "+
			"objects report only \"Not attempted\". Objects already changed are recorded in state; run the command "+
			"again when the server is back.", capitalize(server), err.FailingFor().Round(time.Second))
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Advice says what a user can do about err, or "" when there is nothing useful to add.
func Advice(api API, err error) string {
	var outage *httpx.OutageError
	if errors.As(err, &outage) {
		// The outage first, then what its cause (a 401, a timeout) says.
		advice := outageAdvice(api, outage)
		if more := causeAdvice(api, outage.Cause()); more != "" {
			advice = more + "\n\n" + advice
		}
		return advice
	}
	return causeAdvice(api, err)
}

// causeAdvice is Advice for one failure.
func causeAdvice(api API, err error) string {
	var endpoint *scim.EndpointError
	var unsupported *scim.UnsupportedError
	var notKept *scim.NotKeptError
	switch {
	case errors.Is(err, context.Canceled):
		return "The operation was cancelled. Objects already changed are recorded in state; run plan to see what is left."
	case errors.Is(err, context.DeadlineExceeded):
		return "The request timed out. Raise request_timeout (DOCKER_REQUEST_TIMEOUT) if the server is slow."
	case errors.Is(err, httpx.ErrUnauthorized):
		if api == SCIM {
			return "The SCIM API rejected the token. Check scim_token (DOCKER_SCIM_TOKEN) and scim_base_url " +
				"(DOCKER_SCIM_BASE_URL): a token stops working when SCIM is disabled on its SSO connection or the token is rotated."
		}
		return "Docker Hub rejected the credentials. Check username (DOCKER_USERNAME) and password (DOCKER_PASSWORD): " +
			"the password may be a password, a personal access token or an organization access token."
	case errors.Is(err, httpx.ErrForbidden):
		if api == Management {
			return "An owner of the organization or company is required. Sign in as an owner, or with an organization access token of " +
				"that organization (username is then the organization's name); an organization access token does not reach its company."
		}
		return "The SCIM token is not allowed to do this. SCIM tokens only reach the users and groups of their own SSO connection."
	case errors.Is(err, httpx.ErrRateLimited):
		return "Docker Hub kept rate-limiting the requests after every retry. Lower max_requests_per_second " +
			"(DOCKER_MAX_REQUESTS_PER_SECOND), or run with a lower -parallelism."
	case errors.As(err, &endpoint):
		return "The SCIM base URL does not lead to a SCIM API, so nothing was read or changed and state is unchanged. " +
			"Check scim_base_url (DOCKER_SCIM_BASE_URL): Docker shows it under Setup SCIM in the Admin Console, and it " +
			"is docker_scim_connection.base_url; it ends in /v2/scim/2.0."
	case errors.As(err, &unsupported) && unsupported.Feature == scim.FeatureGroups:
		return "This SCIM server has no /Groups, as Docker's published SCIM API has none, so docker_group_mapping " +
			"and a docker_scim_roster's teams cannot work through it; nothing was changed. Map teams from the identity " +
			"provider's group push instead, or set team_name (dockerTeam) on each person."
	case errors.As(err, &unsupported) && unsupported.Feature == scim.FeatureUserDelete:
		return "This SCIM server does not delete users, as Docker's published SCIM API has no DELETE; the user is still " +
			"there and still in state. Set on_destroy = \"deactivate\" on docker_scim_user, or unmanaged = " +
			"\"deactivate\" on docker_scim_roster, and apply again: a deactivated user loses access to the organization."
	case errors.As(err, &notKept) && notKept.Attribute != "active":
		return "State records what the server holds. Docker's published SCIM API replaces only a user's name and " +
			"active state (PUT /Users/{id} takes name and enabled), so a server that follows it keeps role, org_name " +
			"and team_name as they were: change them in Docker's Admin Console or through the management API, or " +
			"let the identity provider set them at provisioning, and set the configuration to what Docker holds."
	case errors.Is(err, httpx.ErrPreconditionFailed):
		return "The object was changed outside Terraform after it was read, so the change was not applied to avoid " +
			"overwriting someone else's edit. Run plan again to see the current values, then apply."
	}
	return ""
}

// AddAlreadyExists reports a create refused because the object exists, and
// says how to bring it under management: an import block first (it is
// reviewed in plan), then the import command of either CLI.
func AddAlreadyExists(diags *diag.Diagnostics, p path.Path, what, situation, id string) {
	diags.AddAttributeError(p, what+" already exists",
		fmt.Sprintf("%s\n\nTo manage it with this configuration instead, import it with an import block:\n\n"+
			"  import {\n    to = <address>\n    id = %q\n  }\n\n"+
			"or with `terraform import <address> %s` (`tofu import` on OpenTofu).", situation, id, id))
}

// AddMissingSetting reports a provider setting that an operation needs but
// that is neither configured nor in the environment.
func AddMissingSetting(diags *diag.Diagnostics, attribute, env, neededFor string) {
	detail := fmt.Sprintf("%s needs the provider's %q attribute. Set it in the provider block, or set the %s environment variable.",
		neededFor, attribute, env)
	if attribute == "scim_token" {
		detail += "\n\nIf the provider block takes it from docker_scim_connection.token and that connection was imported, " +
			"the token is empty: Docker never shows a SCIM token again after issuing it. Change the connection's " +
			"rotation_triggers to issue a new token in the next apply."
	}
	diags.AddError("Missing provider setting "+attribute, detail)
}

// AddUnknownSetting reports a provider setting that is still unknown when an
// operation needs it now: the provider block takes it from a resource (such
// as docker_scim_connection) that this plan creates, replaces or rotates.
// Resources that only need refreshing keep their recorded state meanwhile;
// only an import, a data source or a refresh-only plan needs the value now.
func AddUnknownSetting(diags *diag.Diagnostics, attribute, neededFor string) {
	diags.AddError("Provider setting "+attribute+" is not known yet",
		fmt.Sprintf("%s needs the provider's %q attribute now, but its value is only known after apply: the provider "+
			"block takes it from a resource that this plan creates, replaces or rotates (for example "+
			"docker_scim_connection.token after a change of rotation_triggers, or after SCIM was disabled outside "+
			"Terraform).\n\nApply that change first, then run this again: for example `terraform apply "+
			"-target=docker_scim_connection.<name>` (the same with `tofu`). Managed users and group mappings do not "+
			"need this: they keep their recorded state until the new value is known.", neededFor, attribute))
}
