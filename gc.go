package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// A plan of a few thousand docker_scim_user keeps the provider's live heap
// small (tens of MB) while it allocates and drops a little per RPC, so with
// Go's default GOGC=100 the collector runs often for little: a fifth of the
// provider's CPU in a refreshing plan of 1,000 users. Below smallHeap of
// live heap, tuneGC lets the heap grow to 5× the live heap (GOGC=400),
// within a soft memory limit; past it (a roster of tens of thousands of
// people), it returns to Go's defaults for good, so memory grows as it
// did. GOGC or GOMEMLIMIT in the environment leave it all to Go.
const (
	smallHeap      = 24 << 20
	smallHeapLimit = 96 << 20
	smallHeapGOGC  = 400
	defaultGOGC    = 100
	liveHeapMetric = "/gc/heap/live:bytes"
)

func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(smallHeapGOGC)
	debug.SetMemoryLimit(smallHeapLimit)
	watchLiveHeap()
}

// watchLiveHeap runs after each collection (a finalizer on an unreachable
// object runs once the collector has found it so) until the live heap
// outgrows smallHeap.
func watchLiveHeap() {
	sentinel := new([16]byte)
	runtime.SetFinalizer(sentinel, func(*[16]byte) {
		sample := []metrics.Sample{{Name: liveHeapMetric}}
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > smallHeap {
			debug.SetGCPercent(defaultGOGC)
			debug.SetMemoryLimit(math.MaxInt64)
			return
		}
		watchLiveHeap()
	})
}
