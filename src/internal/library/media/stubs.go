package media

func probeMP4(s *source, f *fields, pics *pictures) (Audio, error) { return Audio{}, ErrUnsupported }
