// The servers a sweep sends to (issue 20): `zqt send FILE --sweep …
// --profile a,b,c` gives each profile's server a share of the combinations,
// at most its profile's `parallel` at once (docs/config.md). Generic over
// the profile: what a server is (its base URL, keys, kind) is its
// ClientConfiguration, and the send pipeline does the rest.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

/// One server of a sweep: a profile's service and how many tasks it takes at once.
struct SweepServer: Sendable {
    let configuration: ClientConfiguration
    let api: any ImageAPI
    let parallel: Int
    /// Local files in image fields: uploaded through this profile's uploader (issue 17).
    var localInputs = LocalInputs.Step()

    /// How the server is named in lines and rows: its profile.
    var name: String { configuration.profile }

    /// A profile of `--profile a,b,c`, resolved as a single send resolves one.
    struct Named: Sendable {
        let configuration: ClientConfiguration
        let parallel: Int
    }

    /// What `--profile` asks a sweep to use.
    enum Plan: Sendable {
        /// One server, resolved as a single send resolves it (flags, ZQT_*, the profile); `parallel`: its profile's.
        case one(parallel: Int?)
        /// Each profile of the list, with its own base URL and parallel.
        case several([Named])
    }

    struct Problem: Error, Sendable {
        let message: String
    }

    /// The names of `--profile a,b,c`; nil for one name (or none).
    static func names(_ flag: String?) -> [String]? {
        guard let flag, flag.contains(",") else { return nil }
        return flag.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmed }
    }

    /// The servers `--profile` names. A name the config file lacks is said
    /// with the ones it has (exit 2); `--base-url`, `--sandbox` and
    /// ZQT_BASE_URL name one server, so they do not go with a list.
    static func plan(_ connection: ConnectionOptions, config: ConfigAtStart = StartUp.atStart.config,
                     environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<Plan, Problem> {
        guard let names = names(connection.profile) else {
            if connection.sandbox { return .success(.one(parallel: nil)) }
            let named = connection.profile.flatMap { $0.isEmpty ? nil : $0 }
                ?? environment["ZQT_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? config.config?.startProfile
            return .success(.one(parallel: named.flatMap { config.config?.profile(named: $0) }?.sweepParallel))
        }
        if let empty = names.firstIndex(where: \.isEmpty) {
            return .failure(Problem(message: "--profile \(APIError.printable(connection.profile ?? "")): name \(empty + 1) is empty; give profile names separated by commas"))
        }
        if let twice = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            return .failure(Problem(message: "--profile names \(APIError.printable(twice)) twice; give each server once (its parallel says how many tasks it takes)"))
        }
        if connection.sandbox {
            return .failure(Problem(message: "--sandbox starts one sandbox; a sweep over several servers takes --profile a,b with a profile for each server"))
        }
        if connection.baseURL != nil {
            return .failure(Problem(message: "--base-url names one server; with --profile a,b each profile's base_url is used"))
        }
        if let problem = config.problem { return .failure(Problem(message: problem.description)) }
        // ZQT_BASE_URL would send every profile's share to one server: each profile's own base_url is used.
        var environment = environment
        if let url = environment["ZQT_BASE_URL"], !url.isEmpty {
            StandardStreams.writeError("note: ZQT_BASE_URL is not used with --profile \(APIError.printable(names.joined(separator: ","))): each profile's base_url is\n")
        }
        environment["ZQT_BASE_URL"] = nil
        environment["ZQT_PROFILE"] = nil
        var servers: [Named] = []
        for name in names {
            do throws(ConfigProblem) {
                var configuration = try ClientConfiguration.resolve(baseURLFlag: nil, profileFlag: name, environment: environment,
                                                                    config: config.config)
                configuration.timeout = connection.timeout
                let parallel = config.config?.profile(named: name)?.sweepParallel ?? ConfigProfile.defaultParallel(for: nil)
                servers.append(Named(configuration: configuration, parallel: parallel))
            } catch {
                return .failure(Problem(message: error.description))
            }
        }
        return .success(.several(servers))
    }
}
