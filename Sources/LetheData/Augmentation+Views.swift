import Foundation
import LetheTensor

// The kernels of SimCLR's views (`AugmentationStep.randomResizedCrop`, `.brightnessContrast`). Shapes: batch
// [B, C, H, W]. Each sample draws its numbers in a fixed order, so a seed fixes the output.

/// Per sample: an area fraction in minimumScale…1 and a log-uniform aspect ratio in 3/4…4/3 (then the window's
/// top and left), the window clamped to the image; the window is resampled to H×W with bilinear interpolation at
/// pixel centres (PyTorch's align_corners = false). Every output is a convex combination of input pixels.
func cropAndResizeRandomly(_ batch: inout Tensor, minimumScale: Float, rng: inout SeededGenerator) {
    let (samples, channels, height, width) = (batch.shape[0], batch.shape[1], batch.shape[2], batch.shape[3])
    let plane = height * width
    var source = [Float](repeating: 0, count: plane)
    batch.withUnsafeMutablePointer { data in
        for sample in 0..<samples {
            let window = randomWindow(height: height, width: width, minimumScale: minimumScale, rng: &rng)
            for channel in 0..<channels {
                let image = data + (sample * channels + channel) * plane
                source.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: image, count: plane) }
                resample(source, window: window, into: image, height: height, width: width)
            }
        }
    }
}

/// A crop window: top, left, height, width in pixels (inside the image).
struct CropWindow: Equatable {
    var top: Int, left: Int, height: Int, width: Int
}

func randomWindow(height: Int, width: Int, minimumScale: Float, rng: inout SeededGenerator) -> CropWindow {
    let area = Float(height * width) * (minimumScale + (1 - minimumScale) * rng.nextUniform())
    let logRatio = Foundation.log(Float(3) / 4) + Foundation.log(Float(16) / 9) * rng.nextUniform()
    let ratio = Foundation.exp(logRatio)  // width / height
    let h = min(height, max(1, Int((area / ratio).squareRoot().rounded())))
    let w = min(width, max(1, Int((area * ratio).squareRoot().rounded())))
    let top = rng.nextInt(below: height - h + 1), left = rng.nextInt(below: width - w + 1)
    return CropWindow(top: top, left: left, height: h, width: w)
}

/// out[y][x] = bilinear sample of `source` at the window's point for output pixel (y, x).
func resample(_ source: [Float], window: CropWindow, into out: UnsafeMutablePointer<Float>,
                      height: Int, width: Int) {
    let (scaleY, scaleX) = (Float(window.height) / Float(height), Float(window.width) / Float(width))
    for y in 0..<height {
        let sy = min(max(Float(window.top) + (Float(y) + 0.5) * scaleY - 0.5, 0), Float(height - 1))
        let y0 = Int(sy), y1 = min(Int(sy) + 1, height - 1)
        let wy = sy - Float(y0)
        for x in 0..<width {
            let sx = min(max(Float(window.left) + (Float(x) + 0.5) * scaleX - 0.5, 0), Float(width - 1))
            let x0 = Int(sx), x1 = min(Int(sx) + 1, width - 1)
            let wx = sx - Float(x0)
            let top = source[y0 * width + x0] * (1 - wx) + source[y0 * width + x1] * wx
            let bottom = source[y1 * width + x0] * (1 - wx) + source[y1 * width + x1] * wx
            out[y * width + x] = top * (1 - wy) + bottom * wy
        }
    }
}

/// Per sample: contrast factor c in 1 ± contrast, then offset b in ±brightness; x ← c·(x − mean) + mean + b, the
/// mean over the sample's elements (so contrast keeps the image's average and brightness moves it).
func jitterBrightnessAndContrast(_ batch: inout Tensor, brightness: Float, contrast: Float,
                                 rng: inout SeededGenerator) {
    let samples = batch.shape[0]
    let size = batch.count / max(samples, 1)
    batch.withUnsafeMutablePointer { data in
        for sample in 0..<samples {
            let factor = 1 + contrast * (2 * rng.nextUniform() - 1)
            let offset = brightness * (2 * rng.nextUniform() - 1)
            let image = data + sample * size
            var total: Float = 0
            for i in 0..<size { total += image[i] }
            let mean = total / Float(size)
            for i in 0..<size { image[i] = factor * (image[i] - mean) + mean + offset }
        }
    }
}
