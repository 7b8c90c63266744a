package media

func probeOgg(s *source, f *fields, pics *pictures) (Audio, error) { return Audio{}, ErrUnsupported }
func probeMP4(s *source, f *fields, pics *pictures) (Audio, error) { return Audio{}, ErrUnsupported }
