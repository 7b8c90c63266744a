// Package players is the player registry behind MA's players/all and
// player_queues/all. It is empty today: Segue has no players yet. Its types follow
// MA's Player and PlayerQueue models (music_assistant_models player.py,
// player_queue.py; the frontend's interfaces.ts) so that the next step — Home
// Assistant media players — only adds entries.
package players
