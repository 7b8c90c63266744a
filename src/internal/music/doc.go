// Package music is the Music Assistant face of the library: MA's core-state
// commands (providers, counts, config values, tasks), the library commands the MA
// frontend uses to browse, search and mark favourites, MA's media item shapes,
// the /imageproxy route and the library's changes as MA events. It reads the same
// library as the Subsonic edge, so a favourite here is a Subsonic star there.
package music
