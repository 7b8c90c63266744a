package remote

// ImpostorIdentity returns id claiming another remote ID: what an attacker who knows a
// remote ID (it is shared openly) can register with. Tests only.
func ImpostorIdentity(id *Identity, claimed string) *Identity {
	c := *id
	c.remoteID = claimed
	return &c
}
