package mediagen

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
)

// coverImage draws a small deterministic picture (a two-colour gradient keyed
// by n) and encodes it as PNG or JPEG.
func coverImage(n int, asPNG bool, size int) Image {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	r, g, b := byte(n*37), byte(n*91), byte(n*53)
	for y := range size {
		for x := range size {
			img.Set(x, y, color.RGBA{r + byte(x*4), g + byte(y*4), b, 255})
		}
	}
	var buf bytes.Buffer
	if asPNG {
		_ = png.Encode(&buf, img)
		return Image{MIME: "image/png", Data: buf.Bytes()}
	}
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 70})
	return Image{MIME: "image/jpeg", Data: buf.Bytes()}
}
