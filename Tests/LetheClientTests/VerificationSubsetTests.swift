@testable import LetheClient
import Testing

@Suite struct VerificationSubsetTests {
    @Test func evenlySpacedKeepsAtMostTheLimitAcrossTheWholeRange() {
        let positions = Array(100..<110)
        #expect(ClientNode.evenlySpaced(positions, limit: 4) == [100, 102, 105, 107])
        #expect(ClientNode.evenlySpaced(positions, limit: nil) == positions)
        #expect(ClientNode.evenlySpaced(positions, limit: 10) == positions)
        #expect(ClientNode.evenlySpaced(positions, limit: 50) == positions)
    }
}
