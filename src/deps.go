//go:build tools

package tools

import (
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/gorilla/websocket"
	_ "github.com/mattn/go-sqlite3"
	_ "github.com/pion/webrtc/v4"
	_ "github.com/sirupsen/logrus"
	_ "golang.org/x/crypto/argon2"
	_ "golang.org/x/crypto/hkdf"
)
