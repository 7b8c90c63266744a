// Package apppass keeps each user's Subsonic app-password: a random, typeable
// secret that only Subsonic apps use (never the login password). Subsonic token
// auth needs the server to know the secret (t = md5(secret + salt)), so it is
// stored encrypted, not hashed: AES-256-GCM under an HKDF subkey of a master key
// file, with the user id as associated data so a ciphertext moved to another
// row does not open. Decrypted secrets are cached in memory only, keyed by user,
// and dropped on rotate, disable and delete.
package apppass
