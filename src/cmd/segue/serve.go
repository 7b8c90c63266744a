package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"segue/internal/app"
	"segue/internal/config"
	"segue/internal/logging"
)

func serve(ctx context.Context, args []string, stderr io.Writer) int {
	cfg, err := config.Load(args, os.Getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "segue: %v\n", err)
		return 2
	}
	log := logging.New(os.Stdout, cfg.LogLevel)
	a, err := app.New(ctx, cfg, log, app.Options{})
	if err != nil {
		log.WithError(err).Error("cannot start")
		return 1
	}
	if err := a.Run(ctx); err != nil {
		log.WithError(err).Error("server stopped with an error")
		return 1
	}
	return 0
}
