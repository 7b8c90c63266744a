package players

// newQueue is a player's empty queue in MA's shape.
func newQueue(playerID, name string) Queue {
	return Queue{QueueID: playerID, DisplayName: name, RepeatMode: "off", AutoplayEnabled: false, OverlayVolume: 100,
		State: StateIdle, Sources: []any{}}
}

// queueLocked is the entry's queue as MA's PlayerQueue.
func (r *Registry) queueLocked(e *entry) Queue {
	q := e.queue
	q.DisplayName = e.settings.Name
	q.Available = e.state.State != "unavailable" && e.state.State != "unknown"
	active := r.playerLocked(e).ActiveSource
	q.Active = active != nil && *active == e.state.EntityID
	return q
}
