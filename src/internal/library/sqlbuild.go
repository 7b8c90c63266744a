package library

import (
	"database/sql"
	"strings"
	"unicode"
)

type dbtx = *sql.Tx

// where collects SQL conditions and their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// in adds "col IN (?, ?, …)"; an empty set matches nothing.
func (w *where) in(col string, ids []int64) {
	if len(ids) == 0 {
		w.conds = append(w.conds, "0")
		return
	}
	w.conds = append(w.conds, col+" IN ("+placeholders(len(ids))+")")
	for _, id := range ids {
		w.args = append(w.args, id)
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// ftsQuery turns what a user typed into an FTS5 query: every word must match
// as a prefix. ok is false when nothing searchable is left (match everything).
func ftsQuery(text string) (q string, ok bool) {
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return "", false
	}
	if len(words) > 16 {
		words = words[:16]
	}
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = `"` + w + `"*`
	}
	return strings.Join(parts, " "), true
}

func dir(desc bool) string {
	if desc {
		return " DESC"
	}
	return ""
}
