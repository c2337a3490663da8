// xl-go-manager: varlink/go (Debian's golang-github-varlink-go-dev), the
// reference Go implementation, as a client of io.xdplink.Manager, for
// tests/conformance/go-manager.bats. Nothing here is ours but the types:
// the framing, the calls (nil input goes out as "parameters": null), "more"
// streams, error replies and the IDL parser are varlink/go's.
//
// Usage: xl-go-manager unix:SOCKET COMMAND [ARG]...
//
//	info | idl | describe | reload | list [IFACE] [--all] [--maps] | statistics
//	attach IFACE OBJECT PROGRAM | detach IFACE ID|all
//	replace IFACE [OBJECT:PROGRAM]... | monitor IFACE|- N
//	call METHOD JSON-PARAMETERS [more]
//
// Each reply is printed as one JSON line, decoded first into Go types that
// mirror the IDL with unknown fields refused, so a field the IDL does not
// declare fails. An error reply prints "error NAME PARAMETERS" after
// decoding it into the Go type of that named error (same strictness), and
// exits 2. With XL_GO_CALLS set, every call appends "METHOD ok" or
// "METHOD error NAME" to that file.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/varlink/go/varlink"
	"github.com/varlink/go/varlink/idl"
)

const iface = "io.xdplink.Manager"

// ---- the IDL's types ----

type Counters struct {
	Aborted  int64 `json:"aborted"`
	Drop     int64 `json:"drop"`
	Pass     int64 `json:"pass"`
	Tx       int64 `json:"tx"`
	Redirect int64 `json:"redirect"`
	Other    int64 `json:"other"`
}

type Attachment struct {
	ID        int64     `json:"id"`
	ProgramID int64     `json:"programId"`
	Name      string    `json:"name"`
	Tag       string    `json:"tag"`
	Object    string    `json:"object"`
	Priority  int64     `json:"priority"`
	Actions   []string  `json:"actions"`
	Frags     bool      `json:"frags"`
	Owner     *string   `json:"owner"`
	Label     *string   `json:"label"`
	Lifetime  string    `json:"lifetime"`
	Counters  *Counters `json:"counters"`
	Maps      []Map     `json:"maps"`
}

// Issue 14: maps, and the programs xdplinkd does not own.
type Map struct {
	ID      int64   `json:"id"`
	Name    string  `json:"name"`
	Type    string  `json:"type"`
	PinPath *string `json:"pinPath"`
}

type Unmanaged struct {
	ProgramID int64            `json:"programId"`
	Name      string           `json:"name"`
	Tag       string           `json:"tag"`
	Mode      string           `json:"mode"`
	Holder    string           `json:"holder"`
	LinkID    int64            `json:"linkId"`
	Programs  []ForeignProgram `json:"programs"`
	Maps      []Map            `json:"maps"`
}

type ForeignProgram struct {
	ProgramID int64  `json:"programId"`
	Name      string `json:"name"`
	Tag       string `json:"tag"`
	Maps      []Map  `json:"maps"`
}

type Interface struct {
	Name           string       `json:"name"`
	Ifindex        int64        `json:"ifindex"`
	NetnsCookie    int64        `json:"netnsCookie"`
	Netns          *string      `json:"netns"`
	Revision       int64        `json:"revision"`
	Mode           string       `json:"mode"`
	LinkID         int64        `json:"linkId"`
	EntryProgramID int64        `json:"entryProgramId"`
	Counters       bool         `json:"counters"`
	Attachments    []Attachment `json:"attachments"`
	Refused        *Refusal     `json:"refused"`
	Unmanaged      []Unmanaged  `json:"unmanaged"`
}

type Refusal struct {
	Reason      string `json:"reason"`
	ErrnoName   string `json:"errnoName"`
	ProgramID   int64  `json:"programId"`
	ProgramName string `json:"programName"`
	LinkID      int64  `json:"linkId"`
}

type Program struct {
	Object  string `json:"object"`
	Program string `json:"program,omitempty"`
}

type Event struct {
	Type             string  `json:"type"`
	Interface        string  `json:"interface"`
	PreviousName     *string `json:"previousName"`
	Ifindex          int64   `json:"ifindex"`
	NetnsCookie      int64   `json:"netnsCookie"`
	Revision         int64   `json:"revision"`
	PreviousRevision int64   `json:"previousRevision"`
	Added            []int64 `json:"added"`
	Removed          []int64 `json:"removed"`
	Reordered        []int64 `json:"reordered"`
}

type GetInfoReply struct {
	Vendor     string   `json:"vendor"`
	Product    string   `json:"product"`
	Version    string   `json:"version"`
	URL        string   `json:"url"`
	Interfaces []string `json:"interfaces"`
}

type DescribeReply struct {
	Version        string  `json:"version"`
	Freplace       bool    `json:"freplace"`
	DegradedReason *string `json:"degradedReason"`
	MaxPrograms    int64   `json:"maxPrograms"`
	BpffsRoot      string  `json:"bpffsRoot"`
	StateDir       string  `json:"stateDir"`
}

// Issue 14: Statistics, the daemon's counts about itself.
type ErrorCount struct {
	Error string `json:"error"`
	Count int64  `json:"count"`
}

type StatisticsReply struct {
	StartTimeUsec       int64        `json:"startTimeUsec"`
	Revisions           int64        `json:"revisions"`
	LinkUpdates         int64        `json:"linkUpdates"`
	ChangesRefused      int64        `json:"changesRefused"`
	Errors              []ErrorCount `json:"errors"`
	RecoveryUsec        int64        `json:"recoveryUsec"`
	RecoveryLinkUpdates int64        `json:"recoveryLinkUpdates"`
	RecoveredInterfaces int64        `json:"recoveredInterfaces"`
	RecoveryRefused     int64        `json:"recoveryRefused"`
	Connections         int64        `json:"connections"`
	ConnectionsAccepted int64        `json:"connectionsAccepted"`
	JobsQueued          int64        `json:"jobsQueued"`
	JobsRunning         int64        `json:"jobsRunning"`
	Interfaces          int64        `json:"interfaces"`
}

type AttachReply struct {
	ID        int64 `json:"id"`
	Revision  int64 `json:"revision"`
	ProgramID int64 `json:"programId"`
}

type ChangeReply struct {
	Revision         int64        `json:"revision"`
	PreviousRevision int64        `json:"previousRevision"`
	Added            []int64      `json:"added"`
	Removed          []int64      `json:"removed"`
	Reordered        []int64      `json:"reordered"`
	Unchanged        bool         `json:"unchanged"`
	Attachments      []Attachment `json:"attachments"`
}

type DetachReply struct {
	Revision int64 `json:"revision"`
}

type ReplaceReply struct {
	Revision int64   `json:"revision"`
	IDs      []int64 `json:"ids"`
}

type AdoptReply struct {
	Interface Interface `json:"interface"`
}

type ListReply struct {
	Interfaces []Interface `json:"interfaces"`
}

type MonitorReply struct {
	Event *Event `json:"event"`
}

type EmptyReply struct{}

// ---- the IDL's errors, and org.varlink.service's that varlink/go leaves undecoded ----

type InterfaceNotFound struct {
	Interface string `json:"interface"`
}
type AttachmentNotFound struct {
	Interface string `json:"interface"`
	ID        int64  `json:"id"`
}
type TooManyPrograms struct {
	Interface string `json:"interface"`
	Limit     int64  `json:"limit"`
}
type RevisionMismatch struct {
	Interface string `json:"interface"`
	Expected  int64  `json:"expected"`
	Current   int64  `json:"current"`
}
type ObjectNotFound struct {
	Object    string `json:"object"`
	ErrnoName string `json:"errnoName"`
}
type InvalidObject struct {
	Object  string `json:"object"`
	Message string `json:"message"`
}
type ProgramNotFound struct {
	Object  string `json:"object"`
	Program string `json:"program"`
	Message string `json:"message"`
}
type ProgramLoadFailed struct {
	Object      string  `json:"object"`
	Program     string  `json:"program"`
	ErrnoName   string  `json:"errnoName"`
	Message     string  `json:"message"`
	VerifierLog *string `json:"verifierLog"`
}
type InterfaceBusy struct {
	Interface string `json:"interface"`
	Holder    string `json:"holder"`
}
type ModeMismatch struct {
	Interface string `json:"interface"`
	Current   string `json:"current"`
	Requested string `json:"requested"`
}
type NotSupported struct {
	Reason string `json:"reason"`
}
type NamespaceNotFound struct {
	Netns     string `json:"netns"`
	ErrnoName string `json:"errnoName"`
}
type ConfigInvalid struct {
	Message string `json:"message"`
}
type InterfaceRefused struct {
	Interface string `json:"interface"`
	Reason    string `json:"reason"`
	Hint      string `json:"hint"`
}
type ReadOnly struct {
	Reason string `json:"reason"`
}
type SystemError struct {
	ErrnoName string `json:"errnoName"`
	Message   string `json:"message"`
}
type AnchorNotFound struct {
	Interface string `json:"interface"`
	Anchor    string `json:"anchor"`
	Message   string `json:"message"`
}
type AnchorConflict struct {
	Interface string `json:"interface"`
	Message   string `json:"message"`
}
type ExpectedMore struct{}
type PermissionDenied struct{}

// The Go type of each named error: a name missing here is an error the
// test cannot decode, and fails.
var errorTypes = map[string]func() interface{}{
	iface + ".InterfaceNotFound":           func() interface{} { return &InterfaceNotFound{} },
	iface + ".AttachmentNotFound":          func() interface{} { return &AttachmentNotFound{} },
	iface + ".TooManyPrograms":             func() interface{} { return &TooManyPrograms{} },
	iface + ".RevisionMismatch":            func() interface{} { return &RevisionMismatch{} },
	iface + ".ObjectNotFound":              func() interface{} { return &ObjectNotFound{} },
	iface + ".InvalidObject":               func() interface{} { return &InvalidObject{} },
	iface + ".ProgramNotFound":             func() interface{} { return &ProgramNotFound{} },
	iface + ".ProgramLoadFailed":           func() interface{} { return &ProgramLoadFailed{} },
	iface + ".InterfaceBusy":               func() interface{} { return &InterfaceBusy{} },
	iface + ".ModeMismatch":                func() interface{} { return &ModeMismatch{} },
	iface + ".NotSupported":                func() interface{} { return &NotSupported{} },
	iface + ".NamespaceNotFound":           func() interface{} { return &NamespaceNotFound{} },
	iface + ".ConfigInvalid":               func() interface{} { return &ConfigInvalid{} },
	iface + ".InterfaceRefused":            func() interface{} { return &InterfaceRefused{} },
	iface + ".ReadOnly":                    func() interface{} { return &ReadOnly{} },
	iface + ".SystemError":                 func() interface{} { return &SystemError{} },
	iface + ".AnchorNotFound":              func() interface{} { return &AnchorNotFound{} },
	iface + ".AnchorConflict":              func() interface{} { return &AnchorConflict{} },
	"org.varlink.service.ExpectedMore":     func() interface{} { return &ExpectedMore{} },
	"org.varlink.service.PermissionDenied": func() interface{} { return &PermissionDenied{} },
}

// strict decodes a reply or error's parameters, refusing unknown fields.
func strict(raw []byte, out interface{}) error {
	if len(raw) == 0 || string(raw) == "null" {
		raw = []byte("{}")
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	return d.Decode(out)
}

// namedError is an error reply decoded into its own Go type.
type namedError struct {
	name  string
	value interface{}
}

func (e *namedError) Error() string {
	b, _ := json.Marshal(e.value)
	return "error " + e.name + " " + string(b)
}

// decodeError turns what varlink/go returns for an error reply into a
// namedError. varlink/go decodes four org.varlink.service errors itself
// (into its own types); the rest come back as *varlink.Error.
func decodeError(err error) error {
	var ve *varlink.Error
	switch e := err.(type) {
	case *varlink.InterfaceNotFound:
		return &namedError{"org.varlink.service.InterfaceNotFound", e}
	case *varlink.MethodNotFound:
		return &namedError{"org.varlink.service.MethodNotFound", e}
	case *varlink.MethodNotImplemented:
		return &namedError{"org.varlink.service.MethodNotImplemented", e}
	case *varlink.InvalidParameter:
		return &namedError{"org.varlink.service.InvalidParameter", e}
	}
	if !errors.As(err, &ve) {
		return err // transport: EOF, a broken reply
	}
	mk, ok := errorTypes[ve.Name]
	if !ok {
		return fmt.Errorf("error reply %s: no Go type for it", ve.Name)
	}
	v := mk()
	var raw []byte
	if p, ok := ve.Parameters.(*json.RawMessage); ok && p != nil {
		raw = *p
	}
	if derr := strict(raw, v); derr != nil {
		return fmt.Errorf("error reply %s: parameters %s do not decode: %v", ve.Name, raw, derr)
	}
	return &namedError{ve.Name, v}
}

type client struct {
	ctx  context.Context
	conn *varlink.Connection
}

func record(method string, err error) {
	path := os.Getenv("XL_GO_CALLS")
	if path == "" {
		return
	}
	f, ferr := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0644)
	if ferr != nil {
		return
	}
	defer f.Close()
	var ne *namedError
	switch {
	case err == nil:
		fmt.Fprintf(f, "%s ok\n", method)
	case errors.As(err, &ne):
		fmt.Fprintf(f, "%s error %s\n", method, ne.name)
	default:
		fmt.Fprintf(f, "%s failed\n", method)
	}
}

// call: one plain call through varlink/go's Connection.Call (a nil in
// goes out as "parameters": null), the reply decoded strictly into out.
func (c *client) call(method string, in interface{}, out interface{}) error {
	var raw json.RawMessage
	err := c.conn.Call(c.ctx, method, in, &raw)
	if err == nil {
		err = strict(raw, out)
	} else {
		err = decodeError(err)
	}
	record(method, err)
	return err
}

func show(v interface{}) {
	b, err := json.Marshal(v)
	if err != nil {
		fail(err)
	}
	fmt.Println(string(b))
}

func fail(err error) {
	var ne *namedError
	if errors.As(err, &ne) {
		fmt.Println(ne.Error())
		os.Exit(2)
	}
	fmt.Fprintln(os.Stderr, "xl-go-manager:", err)
	os.Exit(1)
}

// parseIDL: the daemon's description, parsed by varlink/go's idl package.
func (c *client) parseIDL() (*idl.IDL, error) {
	var out struct {
		Description string `json:"description"`
	}
	err := c.call("org.varlink.service.GetInterfaceDescription",
		map[string]string{"interface": iface}, &out)
	if err != nil {
		return nil, err
	}
	// Debian's varlink/go 0.4.0 predates the 2021 spec change that allows
	// upper case in interface names (io.xdplink.Manager, like systemd's
	// io.systemd.Resolve): its parser takes only [a-z] there. Lower-case
	// the interface line alone; every other name is parsed as sent.
	lines := strings.Split(out.Description, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "interface ") {
			lines[i] = strings.ToLower(l)
			break
		}
	}
	return idl.New(strings.Join(lines, "\n"))
}

// eventTypes: the values the IDL declares for Event.type.
func eventTypes(d *idl.IDL) map[string]bool {
	types := map[string]bool{}
	for _, a := range d.Aliases {
		if a.Name != "Event" {
			continue
		}
		for _, f := range a.Type.Fields {
			if f.Name == "type" && f.Type.Kind == idl.TypeEnum {
				for _, v := range f.Type.Fields {
					types[v.Name] = true
				}
			}
		}
	}
	return types
}

func (c *client) monitor(ifname string, n int) error {
	d, err := c.parseIDL()
	if err != nil {
		return err
	}
	types := eventTypes(d)
	if len(types) == 0 {
		return fmt.Errorf("the IDL declares no Event.type values")
	}
	var in interface{}
	if ifname != "-" {
		in = map[string]string{"interface": ifname}
	}
	const method = iface + ".Monitor"
	receive, err := c.conn.Send(c.ctx, method, in, varlink.More)
	if err != nil {
		return err
	}
	for i := 0; i <= n; i++ {
		var raw json.RawMessage
		flags, err := receive(c.ctx, &raw)
		if err != nil {
			err = decodeError(err)
			record(method, err)
			return err
		}
		if flags&varlink.Continues == 0 {
			return fmt.Errorf("reply %d of a Monitor stream without continues", i)
		}
		var r MonitorReply
		if err := strict(raw, &r); err != nil {
			return fmt.Errorf("Monitor reply %s: %v", raw, err)
		}
		switch {
		case i == 0 && r.Event != nil:
			return fmt.Errorf("the first Monitor reply carries an event: %s", raw)
		case i == 0:
			record(method, nil)
			fmt.Println("subscribed")
		case r.Event == nil:
			return fmt.Errorf("Monitor reply %d carries no event", i)
		case !types[r.Event.Type]:
			return fmt.Errorf("event type %q is not one the IDL declares", r.Event.Type)
		default:
			show(r.Event)
		}
	}
	return nil
}

func atoi(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		fail(err)
	}
	return n
}

func run(c *client, cmd string, args []string) error {
	switch cmd {
	case "info":
		// varlink/go's own GetInfo: a nil input, sent as "parameters": null.
		var r GetInfoReply
		err := c.conn.GetInfo(c.ctx, &r.Vendor, &r.Product, &r.Version, &r.URL, &r.Interfaces)
		if err != nil {
			err = decodeError(err)
		}
		record("org.varlink.service.GetInfo", err)
		if err == nil {
			show(r)
		}
		return err
	case "idl":
		d, err := c.parseIDL()
		if err != nil {
			return err
		}
		fmt.Printf("interface %s: %d types, %d methods, %d errors\n", d.Name, len(d.Aliases),
			len(d.Methods), len(d.Errors))
		for _, m := range d.Methods {
			fmt.Println("method", m.Name)
		}
		for _, e := range d.Errors {
			if _, ok := errorTypes[iface+"."+e.Name]; !ok {
				return fmt.Errorf("error %s: no Go type to decode it into", e.Name)
			}
			fmt.Println("error", e.Name)
		}
		return nil
	case "describe":
		var r DescribeReply
		err := c.call(iface+".Describe", nil, &r)
		if err == nil {
			show(r)
		}
		return err
	case "statistics":
		var r StatisticsReply
		err := c.call(iface+".Statistics", nil, &r)
		if err == nil {
			show(r)
		}
		return err
	case "reload":
		var r EmptyReply
		err := c.call(iface+".Reload", nil, &r)
		if err == nil {
			show(r)
		}
		return err
	case "list":
		var in interface{}
		params := map[string]interface{}{}
		for _, a := range args {
			switch a {
			case "--all":
				params["all"] = true
			case "--maps":
				params["maps"] = true
			default:
				params["interface"] = a
			}
		}
		if len(params) > 0 {
			in = params
		}
		var r ListReply
		err := c.call(iface+".List", in, &r)
		if err == nil {
			show(r)
		}
		return err
	case "attach":
		if len(args) != 3 {
			return fmt.Errorf("attach IFACE OBJECT PROGRAM")
		}
		in := map[string]string{"interface": args[0], "object": args[1], "program": args[2]}
		var r AttachReply
		err := c.call(iface+".Attach", in, &r)
		if err == nil {
			show(r)
		}
		return err
	case "detach":
		if len(args) != 2 {
			return fmt.Errorf("detach IFACE ID|all")
		}
		in := map[string]interface{}{"interface": args[0]}
		if args[1] == "all" {
			in["all"] = true
		} else {
			in["id"] = atoi(args[1])
		}
		var r DetachReply
		err := c.call(iface+".Detach", in, &r)
		if err == nil {
			show(r)
		}
		return err
	case "replace":
		if len(args) < 1 {
			return fmt.Errorf("replace IFACE [OBJECT:PROGRAM]...")
		}
		progs := []Program{}
		for _, a := range args[1:] {
			i := strings.LastIndex(a, ":")
			if i < 0 {
				return fmt.Errorf("%s: not OBJECT:PROGRAM", a)
			}
			progs = append(progs, Program{Object: a[:i], Program: a[i+1:]})
		}
		in := map[string]interface{}{"interface": args[0], "programs": progs}
		var r ReplaceReply
		err := c.call(iface+".Replace", in, &r)
		if err == nil {
			show(r)
		}
		return err
	case "change":
		// The operations as JSON; "dry" for a dry run.
		if len(args) < 2 {
			return fmt.Errorf("change IFACE OPERATIONS-JSON [dry]")
		}
		var ops json.RawMessage = []byte(args[1])
		in := map[string]interface{}{"interface": args[0], "operations": ops}
		if len(args) > 2 && args[2] == "dry" {
			in["dryRun"] = true
		}
		var r ChangeReply
		err := c.call(iface+".Change", in, &r)
		if err == nil {
			show(r)
		}
		return err
	case "adopt":
		if len(args) != 1 {
			return fmt.Errorf("adopt IFACE")
		}
		var r AdoptReply
		err := c.call(iface+".Adopt", map[string]string{"interface": args[0]}, &r)
		if err == nil {
			show(r)
		}
		return err
	case "monitor":
		if len(args) != 2 {
			return fmt.Errorf("monitor IFACE|- N")
		}
		return c.monitor(args[0], int(atoi(args[1])))
	case "call":
		// Any method, parameters as given: for the error cases.
		if len(args) < 2 {
			return fmt.Errorf("call METHOD JSON [more]")
		}
		var in json.RawMessage = []byte(args[1])
		var flags uint64
		if len(args) > 2 && args[2] == "more" {
			flags = varlink.More
		}
		receive, err := c.conn.Send(c.ctx, args[0], &in, flags)
		if err != nil {
			return err
		}
		var raw json.RawMessage
		_, err = receive(c.ctx, &raw)
		if err != nil {
			err = decodeError(err)
		}
		record(args[0], err)
		if err == nil {
			fmt.Println(string(raw))
		}
		return err
	}
	return fmt.Errorf("unknown command %q", cmd)
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: xl-go-manager unix:SOCKET COMMAND [ARG]...")
		os.Exit(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := varlink.NewConnection(ctx, os.Args[1])
	if err != nil {
		fail(err)
	}
	defer conn.Close()
	if err := run(&client{ctx: ctx, conn: conn}, os.Args[2], os.Args[3:]); err != nil {
		fail(err)
	}
}
