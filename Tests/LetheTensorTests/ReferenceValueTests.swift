import LetheNN
import LetheTensor
import LetheTestSupport
import Testing

/// Convolution and pooling forward values against numpy (Tests/Reference/conv_pool_reference.py).
@Suite struct ReferenceValueTests {
    /// The script's closed-form inputs, in NCHW order.
    let x: [Float] = (0..<100).map { (i: Int) -> Float in Float((i * 37) % 17 - 8) / 8 }
    let w: [Float] = (0..<54).map { (i: Int) -> Float in Float((i * 13) % 11 - 5) / 5 }
    let b: [Float] = [0.1, -0.2, 0.3]

    let convStride1Pad1: [Float] = [-1.775000, -1.450000, 0.550000, 2.125000, -0.575000, -0.475000, -1.125000, -1.000000, 2.100000, 0.825000, 0.275000, -1.775000, -0.375000, 2.725000, 0.400000, 1.875000, -1.575000, -3.150000, -0.900000, 2.100000, -0.250000, -0.475000, -0.200000, 0.500000, 0.925000, 1.200000, 0.025000, 0.150000, -1.425000, -0.975000, 0.200000, 2.075000, -0.425000, -1.225000, -0.350000, -0.775000, -0.650000, 1.525000, 0.725000, 0.900000, -0.900000, -1.250000, 1.350000, -0.300000, -0.400000, 0.375000, -2.700000, -1.350000, 1.700000, -0.250000, 1.950000, 1.475000, 0.550000, 1.325000, -0.300000, -2.175000, 0.850000, 1.225000, 2.025000, -0.725000, -1.300000, 0.175000, -0.725000, 0.075000, 1.100000, 0.425000, -1.775000, 1.150000, 1.100000, 0.375000, 2.900000, 0.275000, -1.975000, -1.250000, 1.025000, -1.025000, -2.175000, -1.450000, 0.550000, 0.975000, 0.225000, -1.675000, -1.125000, -1.000000, 2.100000, 1.825000, 0.650000, -1.775000, -0.375000, 2.100000, -0.400000, 1.275000, -1.575000, -3.150000, 0.400000, 1.650000, -0.325000, -0.475000, -0.200000, 1.500000, 0.500000, 2.450000, 0.025000, 0.150000, -0.875000, -0.625000, 0.750000, 2.075000, -0.425000, -0.600000, -0.750000, -2.400000, -0.650000, 1.525000, -0.200000, -0.025000, -2.575000, -1.250000, 1.350000, -0.225000, 0.825000, 1.050000, -2.700000, -1.350000, 1.450000, -1.025000, 1.550000, 1.475000, 0.550000, 1.375000, -1.500000, -2.075000, 0.850000, 1.225000, 0.525000, 0.225000, -1.900000, 0.175000, -0.725000, 0.225000, 2.800000, 1.250000, -1.775000, 1.150000, 0.775000, 0.250000, 2.950000, 0.275000, -1.975000, -0.825000]  // shape (2, 3, 5, 5)
    let convStride2Pad1: [Float] = [-1.775000, 0.550000, -0.575000, 0.275000, -0.375000, 0.400000, -0.250000, -0.200000, 0.925000, 1.200000, 0.150000, -0.975000, -0.775000, 1.525000, 0.900000, 0.375000, -1.350000, -0.250000, 1.950000, 0.550000, -0.300000, -1.300000, -0.725000, 1.100000, 2.900000, -1.975000, 1.025000, -1.025000, -1.450000, 0.975000, 1.825000, -1.775000, 2.100000, 1.650000, -0.475000, 1.500000, 0.500000, 0.025000, -0.875000, -0.750000, -0.650000, -0.200000, 0.825000, -2.700000, 1.450000, -1.025000, 1.475000, 1.375000, 0.225000, 0.175000, 0.225000, 0.250000, 0.275000, -0.825000]  // shape (2, 3, 3, 3)
    let maxPool2: [Float] = [0.875000, 0.125000, 1.000000, -0.375000, 0.250000, 1.000000, -0.250000, 0.500000, 0.875000, -0.250000, 0.625000, 1.000000, -0.125000, 0.625000, 0.875000, 0.125000]  // shape (2, 2, 2, 2)
    let avgPool2: [Float] = [-0.406250, -0.187500, 0.687500, -0.687500, -0.062500, 0.687500, -0.562500, 0.187500, 0.281250, -0.562500, 0.312500, 0.000000, -0.437500, 0.312500, -0.406250, -0.187500]  // shape (2, 2, 2, 2)
    let maxPool3Stride2: [Float] = [1.000000, 0.500000, 1.000000, 0.875000, 0.625000, 1.000000, 1.000000, 0.875000, 1.000000, 1.000000, 1.000000, 1.000000, 0.250000, 1.000000, 1.000000, 0.500000]  // shape (2, 2, 2, 2)

    /// Runs a convolution through the channel-major kernels and returns its output in NCHW order.
    func convolve(stride: Int, padding: Int) -> [Float] {
        let input = swapOuterAxes(Tensor(shape: [2, 2, 5, 5], storage: x))
        let g = ConvolutionGeometry(channels: 2, filters: 3, batch: 2, height: 5, width: 5,
                                    kernelHeight: 3, kernelWidth: 3, stride: stride, padding: padding)
        var columns = [Float](repeating: 0, count: g.patchSize * g.columnCount)
        let output = Tensor(shape: [3, 2, g.outputHeight, g.outputWidth]) { out in
            input.withUnsafePointer { xp in
                conv2dForward(input: xp, weight: w, bias: b, output: out.baseAddress!, columns: &columns, geometry: g)
            }
        }
        return swapOuterAxes(output).storage
    }

    func pool(size: Int, stride: Int, max: Bool) -> [Float] {
        let g = PoolingGeometry(planes: 4, height: 5, width: 5, size: size, stride: stride)
        var argmax = [Int32](repeating: 0, count: g.outputCount)
        return Tensor(shape: [g.outputCount]) { out in
            if max { maxPoolForward(x, out.baseAddress!, argmax: &argmax, g) } else {
                averagePoolForward(x, out.baseAddress!, g)
            }
        }.storage
    }

    @Test func convolutionMatchesNumpy() {
        #expect(maxAbsoluteDifference(convolve(stride: 1, padding: 1), convStride1Pad1) < 1e-5)
        #expect(maxAbsoluteDifference(convolve(stride: 2, padding: 1), convStride2Pad1) < 1e-5)
    }

    @Test func poolingMatchesNumpy() {
        #expect(maxAbsoluteDifference(pool(size: 2, stride: 2, max: true), maxPool2) < 1e-6)
        #expect(maxAbsoluteDifference(pool(size: 2, stride: 2, max: false), avgPool2) < 1e-6)
        #expect(maxAbsoluteDifference(pool(size: 3, stride: 2, max: true), maxPool3Stride2) < 1e-6)
    }
}
