package apppass

import "segue/internal/secrets"

// alphabet is letters and digits without the look-alikes 0/O, 1/l/I, so the
// password can be read off a screen and typed into a phone.
const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

// Length is the number of characters of an app-password: 24 symbols of a
// 56-letter alphabet carry log2(56)*24 ≈ 139 bits, above the 128 required.
const Length = 24

// generate makes a new app-password from the injected crypto/rand source.
func generate(rnd *secrets.Random) string { return rnd.FromAlphabet(Length, alphabet) }
