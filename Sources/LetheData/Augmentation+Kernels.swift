import Foundation
import LetheTensor

// Kernels behind `AugmentationStep`. Shapes: batch [B, C, H, W], one plane = H × W floats. Every sample draws its
// random numbers in a fixed order (crop: dy then dx; flip: one uniform), so a seed fixes the whole output.

/// Shifts each sample by a random (dy, dx) in −p…p, filling uncovered pixels with `fill`:
/// out[y][x] = in[y + dy][x + dx] when inside the image, else fill. Equivalent to padding by p and cropping H×W.
func cropRandomly(_ batch: inout Tensor, padding: Int, fill: Float, rng: inout SeededGenerator) {
    let (samples, channels, height, width) = (batch.shape[0], batch.shape[1], batch.shape[2], batch.shape[3])
    let plane = height * width
    var scratch = [Float](repeating: 0, count: plane)
    batch.withUnsafeMutablePointer { data in
        scratch.withUnsafeMutableBufferPointer { buffer in
            let temp = buffer.baseAddress!
            for sample in 0..<samples {
                let dy = rng.nextInt(below: 2 * padding + 1) - padding
                let dx = rng.nextInt(below: 2 * padding + 1) - padding
                if dy == 0 && dx == 0 { continue }
                for channel in 0..<channels {
                    let image = data + (sample * channels + channel) * plane
                    shiftPlane(image, into: temp, height: height, width: width, dy: dy, dx: dx, fill: fill)
                    image.update(from: temp, count: plane)
                }
            }
        }
    }
}

/// temp[y][x] = image[y + dy][x + dx] if in range, else fill.
private func shiftPlane(_ image: UnsafeMutablePointer<Float>, into temp: UnsafeMutablePointer<Float>,
                        height: Int, width: Int, dy: Int, dx: Int, fill: Float) {
    for y in 0..<height {
        let sourceY = y + dy
        let row = temp + y * width
        guard sourceY >= 0 && sourceY < height else {
            row.update(repeating: fill, count: width)
            continue
        }
        let source = image + sourceY * width
        for x in 0..<width {
            let sourceX = x + dx
            row[x] = sourceX >= 0 && sourceX < width ? source[sourceX] : fill
        }
    }
}

/// Reverses every row of a sample's planes with probability `probability` (one draw per sample).
func flipHorizontally(_ batch: inout Tensor, probability: Float, rng: inout SeededGenerator) {
    let (samples, channels, height, width) = (batch.shape[0], batch.shape[1], batch.shape[2], batch.shape[3])
    batch.withUnsafeMutablePointer { data in
        for sample in 0..<samples where rng.nextUniform() < probability {
            for row in 0..<(channels * height) {
                let start = data + (sample * channels * height + row) * width
                var left = 0, right = width - 1
                while left < right {
                    swap(&start[left], &start[right])
                    left += 1
                    right -= 1
                }
            }
        }
    }
}

/// x += std · ε with ε ~ N(0, 1) drawn independently per element.
func addGaussianNoise(_ batch: inout Tensor, std: Float, rng: inout SeededGenerator) {
    guard std != 0 else { return }
    let count = batch.count
    batch.withUnsafeMutablePointer { data in
        for i in 0..<count { data[i] += std * rng.nextNormal() }
    }
}
