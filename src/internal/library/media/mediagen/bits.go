package mediagen

// bitWriter appends bits most-significant first, as AAC and ALAC frames are coded.
type bitWriter struct {
	out  []byte
	used uint // bits used in the last byte (0 = byte aligned)
}

func (w *bitWriter) put(v uint64, n uint) {
	for i := int(n) - 1; i >= 0; i-- {
		if w.used == 0 {
			w.out = append(w.out, 0)
		}
		if v>>uint(i)&1 != 0 {
			w.out[len(w.out)-1] |= 0x80 >> w.used
		}
		w.used = (w.used + 1) % 8
	}
}

func (w *bitWriter) bits() int {
	if w.used == 0 {
		return len(w.out) * 8
	}
	return (len(w.out)-1)*8 + int(w.used)
}
