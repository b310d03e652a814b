// A profile's keys for an AUTOMATIC1111-compatible server (issue 20):
//
//     [profiles.gpu]
//     api = "a1111"
//     base_url = "http://gpu-box:7860"
//     username = "me"                       # a server started with --api-auth me:…
//     password_command = "pass show gpu-box" # or password = "…" (the file then wants chmod 600)
//     generation_timeout = 1800             # seconds a generation call may take
//
// Read beside the service's keys (ConfigFile.profile); each fault names its
// key's line, as every other fault of the file does.

extension ConfigFile {
    /// Reads one of the A1111 keys into the profile; false for any other key.
    static func a1111Setting(_ key: String, _ value: JSONValue, of profile: inout ConfigProfile, table: [String],
                             fault: (String, [String], String?) -> ConfigProblem,
                             string: (JSONValue, [String], String) throws(ConfigProblem) -> String) throws(ConfigProblem) -> Bool {
        switch key {
        case "api":
            let name = try string(value, table, key)
            guard let kind = ServerKind(rawValue: name) else {
                throw fault("api must be \(ServerKind.namesInWords), not \(name.quotedShort) (leave it out for the zhiqite service)", table, key)
            }
            profile.api = kind
        case "username":
            profile.username = try string(value, table, key)
        case "password":
            profile.password = try string(value, table, key)
        case "password_command":
            profile.passwordCommand = try string(value, table, key)
        case "generation_timeout":
            let range = A1111Settings.generationTimeoutRange
            guard case let .int(seconds) = value, range.contains(seconds) else {
                throw fault("generation_timeout must be a whole number of seconds from \(range.lowerBound) to \(range.upperBound), such as 1800, not \(Self.said(value))", table, key)
            }
            profile.generationTimeout = seconds
        default:
            return false
        }
        return true
    }

    /// A value as a fault says it: a number as written, another type by its name.
    private static func said(_ value: JSONValue) -> String {
        if case let .int(number) = value { return String(number) }
        return value.typeName
    }

    /// What only makes sense together: a password with its user, the A1111
    /// keys on an A1111 profile, one way to give the password.
    static func checkA1111(_ profile: ConfigProfile, table: [String],
                           fault: (String, [String], String?) -> ConfigProblem) throws(ConfigProblem) {
        let name = profile.name
        if profile.api != .a1111 {
            for (key, given) in [("username", profile.username != nil), ("password", profile.password != nil),
                                 ("password_command", profile.passwordCommand != nil),
                                 ("generation_timeout", profile.generationTimeout != nil)] where given {
                throw fault("\(key) is for an AUTOMATIC1111 server: add api = \"a1111\" to profile \(name), or leave \(key) out", table, key)
            }
            return
        }
        for (key, given) in [("access_key_id", profile.accessKeyID != nil), ("access_key_secret", profile.accessKeySecret != nil),
                             ("key_secret_command", profile.keySecretCommand != nil)] where given {
            throw fault("\(key) is for the zhiqite service; profile \(name) has api = \"a1111\" (an A1111 server started with --api-auth takes username and password_command)", table, key)
        }
        if profile.password != nil, profile.passwordCommand != nil {
            throw fault("profile \(name) has both password and password_command; keep one", table, "password_command")
        }
        if profile.username == nil, profile.password != nil || profile.passwordCommand != nil {
            throw fault("profile \(name) has a password but no username (--api-auth takes user:password)", table,
                        profile.password != nil ? "password" : "password_command")
        }
        if profile.username != nil, profile.password == nil, profile.passwordCommand == nil {
            throw fault("profile \(name) has a username but no password: add password_command (a command that prints it) or password", table, "username")
        }
        if let user = profile.username, user.isEmpty || user.contains(":") {
            throw fault("username must not be empty nor hold \":\" (HTTP Basic splits user and password there)", table, "username")
        }
    }
}

extension A1111Settings {
    /// A profile's settings, its password_command run (bounded, as key_secret_command is).
    static func resolve(_ profile: ConfigProfile, config: ZqtConfig,
                        secretCommand: (String) -> Result<String, SecretCommand.Failure>) throws(ConfigProblem) -> A1111Settings {
        var settings = A1111Settings()
        if let seconds = profile.generationTimeout { settings.generationTimeout = Double(seconds) }
        guard let user = profile.username else { return settings }
        var password = profile.password ?? ""
        if profile.password == nil, let command = profile.passwordCommand {
            switch secretCommand(command) {
            case let .success(value): password = value
            case let .failure(failure):
                throw config.problem("password_command of profile \(profile.name) \(failure.reason)",
                                     table: ["profiles", profile.name], key: "password_command")
            }
        }
        settings.auth = BasicAuth(username: user, password: password)
        return settings
    }
}
