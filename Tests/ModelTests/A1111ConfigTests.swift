// Issue 20: a profile says which kind of server it is. `api = "a1111"` beside
// base_url, HTTP Basic from username and password_command (or password), the
// generation call's own deadline; each bad value said with its file and line.

import Foundation
import TestScratch
import Testing
@testable import Model

@Suite struct A1111ConfigTests {
    static let file = """
        default_profile = "service"

        [profiles.service]
        base_url = "https://api.zhiqite.com"
        access_key_id = "AKID"
        access_key_secret = "s"

        [profiles.gpu]
        api = "a1111"
        base_url = "http://gpu-box:7860"
        username = "me"
        password_command = "pass show gpu-box"
        generation_timeout = 3600

        [profiles.open]
        api = "a1111"
        base_url = "http://127.0.0.1:7860"
        """

    @Test func aProfileSaysItsKindAndItsBasicCredentials() throws {
        let config = try ConfigFileTests.config(Self.file)
        var commands: [String] = []
        let gpu = try ClientConfiguration.resolve(baseURLFlag: nil, profileFlag: "gpu", environment: [:], config: config,
                                                  secretCommand: { commands.append($0); return .success("hunter2") })
        #expect(gpu.server == .a1111)
        #expect(gpu.baseURL == "http://gpu-box:7860")
        #expect(gpu.a1111.auth == BasicAuth(username: "me", password: "hunter2"))
        #expect(gpu.a1111.generationTimeout == 3600)
        #expect(commands == ["pass show gpu-box"])
        #expect(gpu.credentials == nil && gpu.canSend, "no access keys: an A1111 server takes none")
        #expect(gpu.makeAPI() is A1111API)
        // RFC 7617: "me:hunter2" in base64.
        #expect(gpu.a1111.auth?.headerValue == "Basic bWU6aHVudGVyMg==")

        let open = try ClientConfiguration.resolve(baseURLFlag: nil, profileFlag: "open", environment: [:], config: config)
        #expect(open.server == .a1111 && open.a1111.auth == nil)
        #expect(open.a1111.generationTimeout == A1111Settings.defaultGenerationTimeout)

        // Without `api`, a profile is the zhiqite service, as before.
        let service = try ClientConfiguration.resolve(baseURLFlag: nil, profileFlag: nil, environment: [:], config: config)
        #expect(service.server == .zhiqite && service.profile == "service")
        #expect(service.makeAPI() is HTTPImageAPI)
    }

    @Test func aFailingPasswordCommandNamesItsLine() throws {
        let config = try ConfigFileTests.config(Self.file)
        do {
            _ = try ClientConfiguration.resolve(baseURLFlag: nil, profileFlag: "gpu", environment: [:], config: config,
                                                secretCommand: { _ in .failure(.init("failed (exit 1)")) })
            Issue.record("a failing password_command must be a fault")
        } catch {
            #expect(error.line == 12)
            #expect(error.message == "password_command of profile gpu failed (exit 1)")
        }
    }

    @Test func badValuesSayFileLineAndWhat() throws {
        let cases: [(String, Int, String)] = [
            ("[profiles.x]\nbase_url = \"http://h\"\napi = \"comfy\"\n", 3, #"api must be "zhiqite" or "a1111", not "comfy""#),
            ("[profiles.x]\napi = 1111\n", 2, "api must be a string"),
            ("[profiles.x]\napi = \"a1111\"\nusername = \"me\"\npassword = \"p\"\npassword_command = \"c\"\n", 5, "both password and password_command"),
            ("[profiles.x]\napi = \"a1111\"\npassword = \"p\"\n", 3, "a password but no username"),
            ("[profiles.x]\napi = \"a1111\"\nusername = \"me\"\n", 3, "a username but no password"),
            ("[profiles.x]\napi = \"a1111\"\nusername = \"a:b\"\npassword = \"p\"\n", 3, "must not be empty nor hold"),
            ("[profiles.x]\nusername = \"me\"\npassword = \"p\"\n", 2, #"username is for an AUTOMATIC1111 server: add api = "a1111""#),
            ("[profiles.x]\napi = \"a1111\"\naccess_key_id = \"AKID\"\n", 3, "access_key_id is for the zhiqite service"),
            ("[profiles.x]\napi = \"a1111\"\ngeneration_timeout = 5\n", 3, "generation_timeout must be a whole number of seconds from 10 to 86400, such as 1800, not 5"),
            ("[profiles.x]\napi = \"a1111\"\ngeneration_timeout = \"long\"\n", 3, "not a string"),
        ]
        for (text, line, words) in cases {
            let problem = try #require(ConfigFileTests.problem(text), "\(text)")
            #expect(problem.line == line, "\(text): \(problem)")
            #expect(problem.message.contains(words), "\(text): \(problem.message)")
            #expect(problem.description.contains("config.toml:\(line):"), "the file and line lead the message")
        }
    }

    @Test func anInlinePasswordInAReadableFileIsWarned() throws {
        let scratch = Scratch()
        let path = ConfigFileTests.write("[profiles.gpu]\napi = \"a1111\"\nusername = \"me\"\npassword = \"p\"\n", mode: 0o644, in: scratch)
        guard case let .loaded(config) = ConfigFile.load(path: path) else { Issue.record("not read"); return }
        let warning = try #require(ConfigFile.permissionWarning(config))
        #expect(warning.contains("holds a password") && warning.contains("chmod 600"))
    }
}
