# Segue add-on image: a static Go binary (cgo, for go-sqlite3) on the Home Assistant base image
# (Alpine + s6-overlay v3 + bashio). The build context is the repository root.
#
# BUILD_FROM: the Supervisor passes it from build.yaml; without build.yaml (newer builders) the
# pinned multi-arch default below is used. It must be declared before the first FROM.
ARG BUILD_FROM=ghcr.io/home-assistant/base:3.24
ARG GO_IMAGE=golang:1.26-alpine

FROM ${GO_IMAGE} AS build
RUN apk add --no-cache build-base
WORKDIR /src
COPY src/go.mod src/go.sum ./
RUN go mod download
COPY src/ ./
# Fully static (musl) so the binary does not depend on the base image's libc.
RUN CGO_ENABLED=1 go build -trimpath \
        -tags "sqlite_omit_load_extension sqlite_fts5 osusergo netgo" \
        -ldflags "-s -w -linkmode external -extldflags -static" \
        -o /out/segue ./cmd/segue

FROM ${BUILD_FROM}

ARG BUILD_ARCH
ARG BUILD_VERSION=dev

COPY --from=build /out/segue /usr/bin/segue
# s6-overlay service definition (run/finish keep their executable bits from git).
COPY rootfs /

WORKDIR /data

# Give the server time for its ordered shutdown (it needs well under 8 s) before
# s6 escalates to SIGKILL; the Supervisor's own stop timeout is 20 s (config.yaml).
ENV S6_SERVICES_GRACETIME=10000

LABEL \
    io.hass.name="Segue" \
    io.hass.description="Self-hosted music server core for Home Assistant" \
    io.hass.url="https://github.com/segue-music/segue" \
    io.hass.type="addon" \
    io.hass.version="${BUILD_VERSION}" \
    io.hass.arch="${BUILD_ARCH}" \
    org.opencontainers.image.title="Segue" \
    org.opencontainers.image.version="${BUILD_VERSION}"
