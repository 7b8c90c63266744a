# Segue add-on image: a static Go binary (cgo, for go-sqlite3) on the Home Assistant base image
# (Alpine + s6-overlay v3 + bashio), with ffmpeg for transcoding. The build context is the
# repository root.
#
# Everything build.yaml used to carry lives here (build.yaml is deprecated since Supervisor
# 2026.04 and newer builders do not read it): the base image below and the labels at the end.
# The Supervisor (local build) and Home Assistant's builder (.github/workflows/builder.yaml)
# pass BUILD_ARCH and BUILD_VERSION; BUILD_FROM may be overridden per architecture, else this
# pinned multi-arch default is used. It must be declared before the first FROM.
ARG BUILD_FROM=ghcr.io/home-assistant/base:3.24
ARG GO_IMAGE=golang:1.26-alpine

FROM ${GO_IMAGE} AS build
ARG BUILD_VERSION=dev
RUN apk add --no-cache build-base
WORKDIR /src
COPY src/go.mod src/go.sum ./
RUN go mod download
COPY src/ ./
# Fully static (musl) so the binary does not depend on the base image's libc.
# sqlite_fts5: the music library's full-text search. The version the server reports is
# the build's (the add-on version), not a literal in the source.
RUN CGO_ENABLED=1 go build -trimpath \
        -tags "sqlite_fts5 sqlite_omit_load_extension osusergo netgo" \
        -ldflags "-s -w -X segue/internal/app.Version=${BUILD_VERSION} -linkmode external -extldflags -static" \
        -o /out/segue ./cmd/segue

FROM ${BUILD_FROM}

ARG BUILD_ARCH
ARG BUILD_VERSION=dev

# ffmpeg: stream transcoding (Subsonic format/maxBitRate). With its codec libraries it is
# the largest layer of the image (README.md, "The add-on image": how to measure it).
RUN apk add --no-cache ffmpeg

COPY --from=build /out/segue /usr/bin/segue
# s6-overlay service definition (run/finish keep their executable bits from git).
COPY rootfs /

WORKDIR /data

LABEL \
    io.hass.name="Segue" \
    io.hass.description="Self-hosted music server core for Home Assistant" \
    io.hass.url="https://github.com/segue-music/segue" \
    io.hass.type="addon" \
    io.hass.version="${BUILD_VERSION}" \
    io.hass.arch="${BUILD_ARCH}" \
    org.opencontainers.image.title="Segue" \
    org.opencontainers.image.description="Self-hosted music server core for Home Assistant" \
    org.opencontainers.image.source="https://github.com/segue-music/segue" \
    org.opencontainers.image.version="${BUILD_VERSION}"
