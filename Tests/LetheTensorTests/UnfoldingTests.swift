import Testing
@testable import LetheTensor

/// im2col and col2im, fast path and general path, against loops written straight from their definitions.
@Suite struct UnfoldingTests {
    /// (C, N, H, W, kernel, stride, padding). The first four take the "same" fast path (stride 1, Q = W), including
    /// a 1×1 kernel and a 5×5 kernel whose taps reach past a one-column image; the rest the general path.
    static let geometries = [(2, 3, 5, 6, 3, 1, 1), (1, 2, 4, 4, 5, 1, 2), (3, 2, 3, 3, 1, 1, 0), (1, 2, 2, 1, 5, 1, 2),
                             (2, 3, 5, 6, 3, 1, 0), (2, 2, 7, 6, 3, 2, 1), (1, 2, 6, 5, 2, 1, 0)]

    static func geometry(_ t: (Int, Int, Int, Int, Int, Int, Int)) -> ConvolutionGeometry {
        ConvolutionGeometry(channels: t.0, filters: 1, batch: t.1, height: t.2, width: t.3, kernelHeight: t.4,
                            kernelWidth: t.4, stride: t.5, padding: t.6)
    }

    /// x[c, n, h, w] at col[(c, r, s), (n, p, q)], or nil where the tap falls on the padding.
    static func source(_ g: ConvolutionGeometry, row: Int, column: Int) -> Int? {
        let (c, r, s) = (row / (g.kernelHeight * g.kernelWidth), (row / g.kernelWidth) % g.kernelHeight,
                         row % g.kernelWidth)
        let plane = g.outputHeight * g.outputWidth
        let (n, p, q) = (column / plane, (column % plane) / g.outputWidth, column % g.outputWidth)
        let (h, w) = (p * g.stride - g.padding + r, q * g.stride - g.padding + s)
        guard h >= 0 && h < g.height && w >= 0 && w < g.width else { return nil }
        return ((c * g.batch + n) * g.height + h) * g.width + w
    }

    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in rng.nextNormal() }
    }

    @Test(arguments: geometries) func im2colMatchesItsDefinition(shape: (Int, Int, Int, Int, Int, Int, Int)) {
        let g = Self.geometry(shape)
        #expect((ShiftedPlanes(g) != nil) == (g.stride == 1 && g.outputWidth == g.width))
        let x = Self.values(g.channels * g.batch * g.height * g.width, seed: 1)
        var col = [Float](repeating: .nan, count: g.patchSize * g.columnCount)
        im2col(x, &col, g)
        for row in 0..<g.patchSize {
            for column in 0..<g.columnCount {
                let expected = Self.source(g, row: row, column: column).map { x[$0] } ?? 0
                #expect(col[row * g.columnCount + column] == expected, "row \(row) column \(column)")
            }
        }
    }

    @Test(arguments: geometries) func col2imMatchesItsDefinition(shape: (Int, Int, Int, Int, Int, Int, Int)) {
        let g = Self.geometry(shape)
        var col = Self.values(g.patchSize * g.columnCount, seed: 2)
        var expected = [Double](repeating: 0, count: g.channels * g.batch * g.height * g.width)
        for row in 0..<g.patchSize {
            for column in 0..<g.columnCount {
                if let i = Self.source(g, row: row, column: column) { expected[i] += Double(col[row * g.columnCount + column]) }
            }
        }
        var dx = [Float](repeating: .nan, count: expected.count)
        col2im(&col, &dx, g)
        for i in dx.indices { #expect(abs(Double(dx[i]) - expected[i]) < 1e-5, "element \(i)") }
    }

    /// A sample range unfolds exactly those samples' columns and folds back onto exactly their planes.
    @Test(arguments: [geometries[0], geometries[4]]) func sampleRangesAreSlicesOfTheWholeBatch(
        shape: (Int, Int, Int, Int, Int, Int, Int)
    ) {
        let g = Self.geometry(shape)
        let (plane, samples) = (g.outputHeight * g.outputWidth, 1..<3)
        let x = Self.values(g.channels * g.batch * g.height * g.width, seed: 3)
        var whole = [Float](repeating: 0, count: g.patchSize * g.columnCount)
        var part = [Float](repeating: .nan, count: g.patchSize * samples.count * plane)
        im2col(x, &whole, g)
        im2col(x, &part, g, samples: samples)
        for row in 0..<g.patchSize {
            let wholeRow = whole[(row * g.columnCount + samples.lowerBound * plane)...].prefix(samples.count * plane)
            #expect(Array(part[(row * samples.count * plane)...].prefix(samples.count * plane)) == Array(wholeRow))
        }
        var dxWhole = [Float](repeating: 0, count: x.count), dxPart = [Float](repeating: 7, count: x.count)
        col2im(&whole, &dxWhole, g)
        col2im(&part, &dxPart, g, samples: samples)
        let inputPlane = g.height * g.width
        for c in 0..<g.channels {
            for n in 0..<g.batch {
                let range = ((c * g.batch + n) * inputPlane)..<((c * g.batch + n + 1) * inputPlane)
                if samples.contains(n) {
                    #expect(Self.maxAbsoluteDifference(Array(dxPart[range]), Array(dxWhole[range])) < 1e-5)
                } else {
                    #expect(dxPart[range].allSatisfy { $0 == 7 }, "plane (\(c), \(n)) is not the range's")
                }
            }
        }
    }

    static func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }
}
