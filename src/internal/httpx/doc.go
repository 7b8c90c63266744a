// Package httpx is the HTTP edge kit every feature builds on: which listener a
// request came in on, who sent it (the Principal resolver, with the system-user
// rule), the peer IP, one JSON writer and one error writer (through fail, so
// clients never see internal error text), Retry-After, a bounded body reader
// that tells "too large" from other read errors, the return-URL policy and
// single-use secrets. It sits below every feature and above auth and fail.
package httpx
