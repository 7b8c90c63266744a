//go:build !cgo

package library

func trimCHeap() {}
