import Foundation
import Testing
@testable import Model

/// SDRequest, the typed SD body the screen and `zqt bench` still use. Requests
/// on the wire go through `Request` (ControlNetRequestTests); these cover
/// what only SDRequest offers. Delete with SDRequest.
@Suite struct SDRequestTests {
    @Test func itWritesTheSameBytesAsTheCatalogRequestForTheServiceExample() throws {
        let typed = try SDRequest.decode(json: BundledExamples.controlNetJSON).request
        let catalog = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        #expect(typed.wireJSON == catalog.wireJSON)
    }

    @Test func codableGoesThroughTheSameWireFormat() throws {
        let request = try SDRequest.decode(json: BundledExamples.controlNetJSON).request
        let data = try JSONEncoder().encode(request)
        let back = try JSONDecoder().decode(SDRequest.self, from: data)
        #expect(back == request)
    }

    @Test func outputSizeFollowsHiResSettings() {
        var request = SDRequest(width: 512, height: 768)
        #expect(request.outputSize == (512, 768))
        request.enableHR = true
        #expect(request.outputSize == (1024, 1536))
        request.hrResizeX = 1000
        #expect(request.outputSize == (1000, 1500))
        request.hrResizeY = 640
        #expect(request.outputSize == (1000, 640))
    }
}
