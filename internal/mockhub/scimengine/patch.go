package scimengine

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// PATCH operation names (RFC 7644 §3.5.2), matched ignoring case because
// Entra ID sends "Add", "Replace" and "Remove".
const (
	opAdd     = "add"
	opReplace = "replace"
	opRemove  = "remove"
)

// MaxPatchOperations is how many operations one PATCH may hold (tooMany
// beyond); IdPs send one to a hundred.
const MaxPatchOperations = 1000

// ApplyPatch applies ops (RFC 7644 §3.5.2) to a copy of current and returns
// the copy. It is atomic: on any error current is untouched and no result is
// returned. Errors are 400 *Error: invalidSyntax for an unknown op or an
// empty list, invalidPath for a malformed path or one naming an unknown
// attribute, noTarget for a remove without path or a value filter matching
// nothing, mutability for a change to a readOnly attribute (id, meta,
// User.groups) or to an immutable value already set, invalidValue for a
// value of the wrong type or a result lacking a required attribute.
//
// Leniencies real IdPs need: op names ignore case; booleans may be strings;
// a no-path value may use dotted ("name.givenName"), URN-qualified or
// extension-URN keys, unknown keys are ignored, and a readOnly attribute
// given its current value (Okta sends the group's id with a rename) is
// ignored; "add" with a value filter that matches nothing creates the value
// the filter describes (Entra's `emails[type eq "work"].value`); "remove" of
// a multi-valued attribute with a value list removes just those values
// (Entra's member removal).
func ApplyPatch(rt *ResourceType, current Resource, ops []PatchOperation) (Resource, error) {
	if len(ops) == 0 {
		return nil, badRequest(ScimTypeInvalidSyntax, "a PATCH request needs at least one operation")
	}
	if len(ops) > MaxPatchOperations {
		// Each operation may scan a multi-valued attribute with a filter:
		// the work of one request stays bounded.
		return nil, &Error{Status: http.StatusBadRequest, SCIMType: ScimTypeTooMany,
			Detail: fmt.Sprintf("a PATCH request may hold at most %d operations, not %d; send several", MaxPatchOperations, len(ops))}
	}
	p := &patcher{rt: rt, r: Clone(current), index: map[*Attribute]map[string]struct{}{}}
	if p.r == nil {
		p.r = Resource{}
	}
	for i, op := range ops {
		if err := p.apply(op); err != nil {
			var e *Error
			if len(ops) > 1 && errors.As(err, &e) {
				return nil, &Error{Status: e.Status, SCIMType: e.SCIMType, Detail: fmt.Sprintf("operation %d (%s): %s", i+1, op.Op, e.Detail)}
			}
			return nil, err
		}
	}
	p.cleanup()
	if err := checkRequired(rt, p.r); err != nil {
		return nil, err
	}
	setSchemas(rt, p.r)
	return p.r, nil
}

// patcher applies operations to its own copy of the resource.
type patcher struct {
	rt *ResourceType
	r  Resource
	// index holds, per multi-valued attribute, the element keys of its
	// current list, so that a run of adds to a large group stays linear.
	// Only appends keep an entry valid; every other write drops it.
	index map[*Attribute]map[string]struct{}
}

// target is what an operation's path designates.
type target struct {
	ref    attrRef
	filter node           // value filter on ref.attr's values, or nil
	seed   map[string]any // the value an unmatched "add" creates, when the filter is a conjunction of eq
}

func (t target) name() string { return t.ref.name() }

func (p *patcher) apply(op PatchOperation) error {
	name := strings.ToLower(strings.TrimSpace(op.Op))
	switch name {
	case opAdd, opReplace, opRemove:
	default:
		return badRequest(ScimTypeInvalidSyntax, "op %q is not one of add, replace, remove", op.Op)
	}
	path := strings.TrimSpace(op.Path)
	if path == "" {
		if name == opRemove {
			return badRequest(ScimTypeNoTarget, "remove needs a path")
		}
		m, ok := asObject(op.Value)
		if !ok {
			return badRequest(ScimTypeInvalidValue, "%s without a path needs an object of attributes as value, got %s", name, jsonType(op.Value))
		}
		for _, k := range sortedKeys(m) {
			if strings.EqualFold(k, "schemas") {
				continue
			}
			ref, ok := resolveKey(p.rt, k)
			if !ok {
				continue
			}
			if err := p.set(name, target{ref: ref}, m[k]); err != nil {
				return err
			}
		}
		return nil
	}
	if name != opRemove && op.NoValue {
		// RFC 7644 §3.5.2.1 and §3.5.2.3: add and replace MUST carry a
		// value member; without one the operation would silently clear.
		// An explicit null is a value: RFC 7643 §2.5 makes it "unassigned".
		return badRequest(ScimTypeInvalidValue, "%s of %q needs a value; to clear an attribute, use remove", name, path)
	}
	t, err := p.parsePath(path)
	if err != nil {
		return err
	}
	if name == opRemove {
		return p.remove(t, op.Value)
	}
	return p.set(name, t, op.Value)
}

// parsePath binds an operation's path to the resource type.
func (p *patcher) parsePath(path string) (target, error) {
	for _, e := range p.rt.Extensions {
		if strings.EqualFold(path, e.ID) {
			return target{ref: attrRef{ext: e}}, nil
		}
	}
	if !strings.ContainsAny(path, "[] ") {
		// Paths without a value filter are attribute names, which
		// resolveKey reads without the (slow) grammar parser.
		ref, ok := resolveKey(p.rt, path)
		if !ok {
			return target{}, badRequest(ScimTypeInvalidPath, "path %q names no attribute of %s", path, p.rt.Name)
		}
		return target{ref: ref}, nil
	}
	if len(path) > maxFilterLen {
		return target{}, badRequest(ScimTypeInvalidPath, "the path is longer than %d bytes", maxFilterLen)
	}
	if e := checkShape(path, ScimTypeInvalidPath); e != nil {
		return target{}, e
	}
	pp, err := parsePathExpr(path)
	if err != nil {
		return target{}, badRequest(ScimTypeInvalidPath, "path %q is not a valid RFC 7644 path%s, e.g. emails[type eq \"work\"].value", path, where(err))
	}
	ref, ok := resolveParsed(p.rt, pp.AttributePath)
	if !ok {
		return target{}, badRequest(ScimTypeInvalidPath, "path %q names no attribute of %s", path, p.rt.Name)
	}
	t := target{ref: ref}
	if pp.ValueExpression == nil {
		return t, nil
	}
	if ref.sub != nil || ref.attr.Type != typeComplex || !ref.attr.MultiValued {
		return target{}, badRequest(ScimTypeInvalidPath, "path %q filters %q, which is not a multi-valued complex attribute", path, ref.name())
	}
	c := &compiler{rt: p.rt, parent: ref.attr, parentName: ref.name()}
	n, err := c.compile(pp.ValueExpression)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return target{}, badRequest(ScimTypeInvalidPath, "path %q: %s", path, e.Detail)
		}
		return target{}, err
	}
	if c.unknown {
		return target{}, badRequest(ScimTypeInvalidPath, "the filter of path %q names no sub-attribute of %q", path, ref.name())
	}
	t.filter, t.seed = n, seed(n)
	if pp.SubAttribute != nil {
		t.ref.sub = findSub(ref.attr, *pp.SubAttribute)
		if t.ref.sub == nil {
			return target{}, badRequest(ScimTypeInvalidPath, "path %q: %q has no sub-attribute %q", path, ref.name(), *pp.SubAttribute)
		}
	}
	return t, nil
}

// parsePathExpr calls the parser, turning a panic of it into an error.
func parsePathExpr(path string) (pp filter.Path, err error) {
	defer func() {
		if r := recover(); r != nil {
			pp, err = filter.Path{}, fmt.Errorf("parser failure: %v", r)
		}
	}()
	return filter.ParsePathNumber([]byte(path))
}

// seed returns the value a filter made only of "sub eq value" terms joined
// by "and" describes, or nil for any other filter.
func seed(n node) map[string]any {
	switch n := n.(type) {
	case *cmpNode:
		if n.op != filter.EQ || n.cv.null {
			return nil
		}
		var v any
		switch n.leaf.Type {
		case typeBoolean:
			v = n.cv.b
		case typeInteger, typeDecimal:
			v = n.cv.f
		default:
			v = n.cv.raw
		}
		return map[string]any{n.leaf.Name: v}
	case andNode:
		l, r := seed(n.l), seed(n.r)
		if l == nil || r == nil {
			return nil
		}
		for k, v := range r {
			l[k] = v
		}
		return l
	}
	return nil
}

// current returns the value ref designates in the working copy when it is a
// single value (not a sub-attribute of a multi-valued attribute).
func (p *patcher) current(ref attrRef) any {
	v := lookup(p.r, ref)
	if ref.sub == nil {
		return v
	}
	m, ok := asObject(v)
	if !ok {
		return nil
	}
	sv, _ := getKey(m, ref.sub.Name)
	return sv
}

// set performs add or replace on t.
func (p *patcher) set(op string, t target, value any) error {
	ref := t.ref
	if ref.attr == nil {
		return p.setExtension(op, ref.ext, value)
	}
	a := ref.attr
	if a.Mutability == mutReadOnly || (ref.sub != nil && ref.sub.Mutability == mutReadOnly) {
		// Clients echo readOnly values back (Okta sends the group's id
		// with a rename); only a change is an error.
		if t.filter == nil && (ref.sub == nil || !a.MultiValued) {
			leaf := a
			if ref.sub != nil {
				leaf = ref.sub
			}
			if sameValue(leaf, p.current(ref), value) {
				return nil
			}
		}
		return badRequest(ScimTypeMutability, "attribute %q is readOnly", t.name())
	}
	c := container(p.r, ref, true)
	defer p.dropEmptyExtension(ref)
	switch {
	case t.filter != nil:
		return p.setFiltered(op, t, c, value)
	case ref.sub != nil:
		return p.setSub(op, ref, c, value)
	case a.MultiValued && op == opAdd:
		return p.appendValues(ref, c, value)
	case a.Type == typeComplex && !a.MultiValued:
		return p.mergeComplex(ref, c, value)
	}
	v, err := coerce(a, value, ref.name())
	if err != nil {
		return err
	}
	cur, _ := getKey(c, a.Name)
	if a.Mutability == mutImmutable && !isEmpty(cur) && !sameValue(a, cur, v) {
		return badRequest(ScimTypeMutability, "attribute %q is immutable and already set", ref.name())
	}
	delete(p.index, a)
	if v == nil {
		deleteKey(c, a.Name)
		return nil
	}
	setKey(c, a.Name, v)
	return nil
}

// setExtension performs add or replace with an extension URN as path or
// key: each attribute of the object value is set in turn.
func (p *patcher) setExtension(op string, ext *Schema, value any) error {
	if value == nil && op == opReplace {
		deleteKey(p.r, ext.ID)
		return nil
	}
	m, ok := asObject(value)
	if !ok {
		return badRequest(ScimTypeInvalidValue, "%q needs an object of extension attributes as value, got %s", ext.ID, jsonType(value))
	}
	for _, k := range sortedKeys(m) {
		ref, ok := resolveInExtension(p.rt, ext, k)
		if !ok {
			continue
		}
		if err := p.set(op, target{ref: ref}, m[k]); err != nil {
			return err
		}
	}
	return nil
}

// dropEmptyExtension removes an extension object a failed or null write left
// empty, so that "schemas" stays truthful.
func (p *patcher) dropEmptyExtension(ref attrRef) {
	if ref.ext == nil {
		return
	}
	if c := container(p.r, ref, false); c != nil && len(c) == 0 {
		deleteKey(p.r, ref.ext.ID)
	}
}

// appendValues adds values to a multi-valued attribute, skipping those
// already present (RFC 7644 §3.5.2.1).
func (p *patcher) appendValues(ref attrRef, c map[string]any, value any) error {
	a := ref.attr
	v, err := coerce(a, value, ref.name())
	if err != nil || v == nil {
		return err
	}
	raw, _ := getKey(c, a.Name)
	list, _ := asList(raw)
	seen, ok := p.index[a]
	if !ok {
		seen = make(map[string]struct{}, len(list))
		for _, e := range list {
			seen[elementKey(a, e)] = struct{}{}
		}
	}
	newPrimary := false
	for _, e := range v.([]any) {
		k := elementKey(a, e)
		if _, dup := seen[k]; dup {
			continue
		}
		seen[k] = struct{}{}
		list = append(list, e)
		if isPrimary(e) {
			newPrimary = true
		}
	}
	setKey(c, a.Name, list)
	p.index[a] = seen
	if newPrimary {
		p.singlePrimary(a, list)
	}
	return nil
}

func isPrimary(e any) bool {
	m, ok := e.(map[string]any)
	if !ok {
		return false
	}
	b, _ := parseBool(m["primary"])
	return b
}

// singlePrimary keeps only the last value marked primary, as RFC 7644
// §3.5.2 requires when a new primary value is added.
func (p *patcher) singlePrimary(a *Attribute, list []any) {
	if findSub(a, "primary") == nil {
		return
	}
	last := -1
	for i, e := range list {
		if isPrimary(e) {
			last = i
		}
	}
	for i, e := range list {
		if i != last && isPrimary(e) {
			e.(map[string]any)["primary"] = false
		}
	}
	delete(p.index, a)
}

// mergeComplex sets the given sub-attributes of a singular complex
// attribute, leaving the others (RFC 7644 §3.5.2.1 and §3.5.2.3).
func (p *patcher) mergeComplex(ref attrRef, c map[string]any, value any) error {
	a := ref.attr
	if value == nil {
		deleteKey(c, a.Name)
		return nil
	}
	v, err := coerce(a, value, ref.name())
	if err != nil || v == nil {
		return err
	}
	raw, _ := getKey(c, a.Name)
	cur, ok := asObject(raw)
	if !ok {
		cur = map[string]any{}
	}
	for _, s := range a.SubAttributes {
		nv, ok := v.(map[string]any)[s.Name]
		if !ok {
			continue
		}
		old, _ := getKey(cur, s.Name)
		if s.Mutability == mutImmutable && !isEmpty(old) && !sameValue(s, old, nv) {
			return badRequest(ScimTypeMutability, "attribute %q is immutable and already set", ref.name()+"."+s.Name)
		}
		setKey(cur, s.Name, nv)
	}
	setKey(c, a.Name, cur)
	return nil
}

// setSub sets a sub-attribute without a value filter: of the one value of a
// singular complex attribute, or of every value of a multi-valued one.
func (p *patcher) setSub(op string, ref attrRef, c map[string]any, value any) error {
	a, s := ref.attr, ref.sub
	v, err := coerce(s, value, ref.name())
	if err != nil {
		return err
	}
	raw, _ := getKey(c, a.Name)
	if !a.MultiValued {
		cur, ok := asObject(raw)
		if !ok {
			cur = map[string]any{}
		}
		if err := setSubOf(ref, cur, v); err != nil {
			return err
		}
		setKey(c, a.Name, cur)
		return nil
	}
	delete(p.index, a)
	list, _ := asList(raw)
	if len(list) == 0 {
		// RFC 7644 §3.5.2.3: replacing what does not exist adds it.
		if v == nil {
			return nil
		}
		setKey(c, a.Name, []any{map[string]any{s.Name: v}})
		return nil
	}
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		if err := setSubOf(ref, m, v); err != nil {
			return err
		}
	}
	setKey(c, a.Name, list)
	return nil
}

// setSubOf sets (or, for nil, removes) sub-attribute ref.sub of one value.
func setSubOf(ref attrRef, m map[string]any, v any) error {
	s := ref.sub
	old, _ := getKey(m, s.Name)
	if s.Mutability == mutImmutable && !isEmpty(old) && !sameValue(s, old, v) {
		return badRequest(ScimTypeMutability, "attribute %q is immutable and already set", ref.name())
	}
	if v == nil {
		deleteKey(m, s.Name)
	} else {
		setKey(m, s.Name, v)
	}
	return nil
}

// setFiltered performs add or replace on the values a value filter selects
// (RFC 7644 §3.5.2.1, §3.5.2.3).
func (p *patcher) setFiltered(op string, t target, c map[string]any, value any) error {
	a := t.ref.attr
	delete(p.index, a)
	raw, _ := getKey(c, a.Name)
	list, _ := asList(raw)
	matched := 0
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok || !t.filter.match(p.r, m) {
			continue
		}
		matched++
		if t.ref.sub != nil {
			v, err := coerce(t.ref.sub, value, t.name())
			if err != nil {
				return err
			}
			if err := setSubOf(t.ref, m, v); err != nil {
				return err
			}
			continue
		}
		if err := p.replaceElement(op, t, m, value); err != nil {
			return err
		}
	}
	if matched > 0 {
		setKey(c, a.Name, list)
		return nil
	}
	// RFC 7644 §3.5.2.3: a replace whose filter matches no value fails,
	// unless the attribute has no value at all, when it is an add.
	if (op == opReplace && len(list) > 0) || t.seed == nil {
		return badRequest(ScimTypeNoTarget, "no value of %q matches the path's filter", a.Name)
	}
	// An add whose filter matches nothing creates the value the filter
	// describes: Entra sets a new work email with
	// `emails[type eq "work"].value`.
	elem := map[string]any{}
	for k, v := range t.seed {
		elem[k] = v
	}
	if t.ref.sub != nil {
		elem[t.ref.sub.Name] = value
	} else {
		m, ok := asObject(value)
		if !ok {
			return badRequest(ScimTypeInvalidValue, "a value of %q must be an object, got %s", a.Name, jsonType(value))
		}
		for k, v := range m {
			elem[k] = v
		}
	}
	v, err := coerceSingle(a, elem, a.Name)
	if err != nil || v == nil {
		return err
	}
	list = append(list, v)
	setKey(c, a.Name, list)
	if isPrimary(v) {
		p.singlePrimary(a, list)
	}
	return nil
}

// replaceElement replaces (op replace) or merges into (op add) one value
// a filter selected. Immutable sub-attributes already set must keep their
// value; when the new value omits them they are carried over, so that a
// member stays the member it was.
func (p *patcher) replaceElement(op string, t target, m map[string]any, value any) error {
	a := t.ref.attr
	v, err := coerceSingle(a, value, t.name())
	if err != nil {
		return err
	}
	nv, _ := v.(map[string]any)
	if nv == nil {
		return badRequest(ScimTypeInvalidValue, "%s of a value of %q needs an object value", op, a.Name)
	}
	for _, s := range a.SubAttributes {
		old, _ := getKey(m, s.Name)
		n, given := nv[s.Name]
		if s.Mutability == mutImmutable && !isEmpty(old) && given && !sameValue(s, old, n) {
			return badRequest(ScimTypeMutability, "attribute %q is immutable and already set", a.Name+"."+s.Name)
		}
		if !given && (op == opAdd || s.Mutability == mutImmutable) {
			continue
		}
		if given {
			setKey(m, s.Name, n)
		} else {
			deleteKey(m, s.Name)
		}
	}
	return nil
}

// remove performs a remove operation (RFC 7644 §3.5.2.2).
func (p *patcher) remove(t target, value any) error {
	ref := t.ref
	if ref.attr == nil {
		deleteKey(p.r, ref.ext.ID)
		return nil
	}
	a := ref.attr
	if a.Mutability == mutReadOnly || (ref.sub != nil && ref.sub.Mutability == mutReadOnly) {
		return badRequest(ScimTypeMutability, "attribute %q is readOnly", t.name())
	}
	defer p.dropEmptyExtension(ref)
	delete(p.index, a)
	c := container(p.r, ref, false)
	var raw any
	if c != nil {
		raw, _ = getKey(c, a.Name)
	}
	if t.filter != nil {
		return p.removeFiltered(t, c, raw)
	}
	if isEmpty(raw) {
		// Removing what is not there leaves the resource as asked.
		return nil
	}
	if ref.sub != nil {
		if ref.sub.Mutability == mutImmutable {
			return badRequest(ScimTypeMutability, "attribute %q is immutable", t.name())
		}
		for _, e := range flattenObjects(raw) {
			deleteKey(e, ref.sub.Name)
		}
		return nil
	}
	if a.Mutability == mutImmutable {
		return badRequest(ScimTypeMutability, "attribute %q is immutable", t.name())
	}
	if a.MultiValued && value != nil {
		// Entra removes members with the values to remove:
		// {"op":"Remove","path":"members","value":[{"value":"id"}]}.
		v, err := coerce(a, value, t.name())
		if err != nil || v == nil {
			return err
		}
		drop := map[string]struct{}{}
		for _, e := range v.([]any) {
			drop[elementKey(a, e)] = struct{}{}
		}
		list, _ := asList(raw)
		kept := list[:0:0]
		for _, e := range list {
			if _, gone := drop[elementKey(a, e)]; !gone {
				kept = append(kept, e)
			}
		}
		setKey(c, a.Name, kept)
		return nil
	}
	deleteKey(c, a.Name)
	return nil
}

// removeFiltered removes the values a filter selects, or their
// sub-attribute.
func (p *patcher) removeFiltered(t target, c map[string]any, raw any) error {
	a := t.ref.attr
	list, _ := asList(raw)
	kept := make([]any, 0, len(list))
	matched := 0
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok || !t.filter.match(p.r, m) {
			kept = append(kept, e)
			continue
		}
		matched++
		if t.ref.sub == nil {
			continue
		}
		if s := t.ref.sub; s.Mutability == mutImmutable {
			if v, _ := getKey(m, s.Name); !isEmpty(v) {
				return badRequest(ScimTypeMutability, "attribute %q is immutable", t.name())
			}
		}
		deleteKey(m, t.ref.sub.Name)
		kept = append(kept, m)
	}
	if matched == 0 {
		return badRequest(ScimTypeNoTarget, "no value of %q matches the path's filter", a.Name)
	}
	setKey(c, a.Name, kept)
	return nil
}

// flattenObjects returns the object values of an attribute value.
func flattenObjects(v any) []map[string]any {
	var out []map[string]any
	walk(v, nil, func(e any) bool {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
		return false
	})
	return out
}

// cleanup drops what the operations left unassigned: empty strings, lists,
// objects and extension objects (RFC 7643 §2.5 treats them as absent).
func (p *patcher) cleanup() {
	for ref, c := range containers(p.rt, p.r) {
		s := ref.schemaIn(p.rt)
		for _, a := range s.Attributes {
			raw, ok := getKey(c, a.Name)
			if !ok {
				continue
			}
			if isEmpty(raw) {
				deleteKey(c, a.Name)
				continue
			}
			if l, ok := raw.([]any); ok && a.MultiValued {
				kept := l[:0]
				for _, e := range l {
					if !isEmpty(e) {
						kept = append(kept, e)
					}
				}
				setKey(c, a.Name, kept)
			}
		}
		if ref.ext != nil && len(c) == 0 {
			deleteKey(p.r, s.ID)
		}
	}
}
