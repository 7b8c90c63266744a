package players

// Output formats a player can be given (per-player override; ” = automatic).
const (
	formatMP3      = "mp3"
	formatOriginal = "original"
)
