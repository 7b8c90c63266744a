//go:build cgo

package library

/*
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
// SQLite allocates with malloc on whichever thread runs the cgo call, and glibc
// gives each new thread its own arena (up to 8 per core): a scan spreads its
// freed page caches over many arenas, each keeping what it once held. Two
// arenas are enough for two readers at once; the add-on's musl malloc has no
// arenas and needs neither call.
static void segue_limit_arenas(void) { mallopt(M_ARENA_MAX, 2); }
static void segue_trim_c_heap(void) { malloc_trim(0); }
#else
static void segue_limit_arenas(void) {}
static void segue_trim_c_heap(void) {}
#endif
*/
import "C"

func init() { C.segue_limit_arenas() }

// trimCHeap hands the C heap's free pages (SQLite's released page caches) back
// to the system.
func trimCHeap() { C.segue_trim_c_heap() }
