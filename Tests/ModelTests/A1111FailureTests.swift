import Model
import Testing

/// What an AUTOMATIC1111 server's refusals read as (issue 20): its own reason
/// when it gives one, advice only when it gives none.
@Suite struct A1111FailureTests {
    @Test func aRoutesOwn404SaysWhatWasNotFound() {
        let error = A1111Failure.error(status: 404, body: Array(#"{"error":"HTTPException","detail":"Sampler not found","body":"","errors":""}"#.utf8))
        #expect(error.message.contains("Sampler not found"), "\(error.message)")
        #expect(!error.message.contains("no such path"))
        let missing = A1111Failure.error(status: 404, body: Array(#"{"detail":"Not Found"}"#.utf8))
        #expect(missing.message.contains("no such path: is it started with --api"), "\(missing.message)")
    }

    @Test func aWrongPasswordIsSaidAsTheServerSaysIt() {
        let error = A1111Failure.error(status: 401, body: Array(#"{"detail":"Incorrect username or password"}"#.utf8))
        #expect(error.message.contains("Incorrect username or password"), "\(error.message)")
        #expect(error.message.contains("check the profile's username and password_command"))
        let bare = A1111Failure.error(status: 401, body: [])
        #expect(bare.message.contains("the server runs with --api-auth"), "\(bare.message)")
    }
}
