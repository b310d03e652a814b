// swift-tools-version:6.0
// zqt: a terminal client for the zhiqite AIGC image API.
import PackageDescription
#if canImport(Glibc)
import Glibc
#endif

/// Packed relative relocations (DT_RELR) need glibc 2.36 or later where the
/// binary runs (Debian 12, Ubuntu 22.10): built on an older system, release
/// builds keep the toolchain's default linker and relocation table.
let glibcPacksRelocations: Bool = {
    #if canImport(Glibc)
    var text = [CChar](repeating: 0, count: 64)
    guard confstr(Int32(_CS_GNU_LIBC_VERSION), &text, text.count) > 0 else { return false }
    // The text up to its NUL, as bytes (String(cString:) on an array is deprecated).
    let version = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).split(separator: " ").last?.split(separator: ".").compactMap { Int($0) } ?? []
    return version.count >= 2 && (version[0], version[1]) >= (2, 36)
    #else
    return false
    #endif
}()

/// Release: each function of zqt's own Swift modules in a section of its own
/// (`-function-sections`), so the linker can place the functions a start and
/// a send run together (issue 18, mem18g: the kernel maps 64 KB around each
/// page of code first run, and those pages were spread over 13.6 MB).
let functionSections: [SwiftSetting] = [.unsafeFlags(["-Xfrontend", "-function-sections"], .when(configuration: .release))]

/// The order those functions are laid out in: scripts/zqt.order, written by
/// scripts/gen-order-file.py from a traced start and send of a release build.
/// A missing file leaves the default layout; names the code no longer has
/// are skipped (lld's warning about them silenced, nothing else). SwiftPM
/// keeps this manifest's result until the manifest changes: the file's
/// presence is read when Package.swift was last edited (it is committed).
let orderFile = Context.packageDirectory + "/scripts/zqt.order"
let orderFlags: [String] = {
    #if canImport(Glibc)
    guard glibcPacksRelocations, access(orderFile, R_OK) == 0 else { return [] }
    return ["-Xlinker", "--symbol-ordering-file=" + orderFile, "-Xlinker", "--no-warn-symbol-ordering"]
    #else
    return []
    #endif
}()

let package = Package(
    name: "zqt",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "zqt", targets: ["ZqtTUI"]),
        .library(name: "Model", targets: ["Model"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // ncursesw, wrapped so Swift 6 can reach its globals and macros. No pkgConfig: its
        // -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600 are flags SwiftPM drops with a warning on every
        // build (shim.h sets what they did), and its -lncursesw -ltinfo are the module map's links.
        .systemLibrary(
            name: "CNcurses",
            providers: [.apt(["libncurses-dev"])]
        ),
        // zlib, for the sandbox's PNG encoder.
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // glibc calls Swift's Glibc module leaves out (posix_spawn's closefrom, pipe2).
        .systemLibrary(name: "CSystem"),
        // SQLite, for the history of submissions.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // libcurl, opened with dlopen on the first request: typed setters for its variadic calls.
        .target(name: "CCurlShim", linkerSettings: [.linkedLibrary("dl")]),
        // libpng, libjpeg-turbo, libwebp and chafa, opened with dlopen on the first image (issue 11).
        .target(name: "CImageShim", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),
        // The config file's TOML read by toml++ (libtomlplusplus-dev, header-only:
        // nothing to install or load at run time) behind plain C functions (issue 16).
        .target(name: "CTOML"),
        // Requests, wire format, catalog, validation, API client, history. Never the terminal.
        .target(name: "Model", dependencies: ["CSystem", "CSQLite", "CCurlShim", "CTOML"], swiftSettings: functionSections),
        // Result images: decoded, scaled, kept on disk, drawn as terminal graphics. Never ncurses.
        .target(name: "Images", dependencies: ["Model", "CImageShim"], swiftSettings: functionSections),
        // The local stand-in for the service, on loopback.
        .target(name: "Sandbox", dependencies: ["Model", "CZlib"], swiftSettings: functionSections),
        .executableTarget(
            name: "ZqtTUI",
            dependencies: [
                "Model", "Images", "Sandbox", "CNcurses", "CSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: functionSections,
            // Release: the Swift runtime and FoundationEssentials linked in, only
            // what zqt uses kept (--gc-sections): the shared libraries' pages
            // that relocations and start-up touch were 3-4 MB of resident memory
            // at start and after a send (issue 18, docs/dev/measurements.md).
            // Debug builds and the test bundle keep the shared runtime.
            // Linked by the toolchain's lld with packed relative relocations
            // (DT_RELR, glibc 2.36+): the static runtime's 45,800 relocations
            // were a 1.1 MB table that every start read in full; packed they
            // are 10 KB (issue 18, mem18f: 1.1-1.5 MB less resident memory).
            linkerSettings: [
                .unsafeFlags(["-static-stdlib"]
                             + (glibcPacksRelocations ? ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"] : [])
                             + orderFlags,
                             .when(configuration: .release)),
                // The static FoundationEssentials names its helpers only for the shared one.
                .linkedLibrary("_FoundationCollections", .when(configuration: .release)),
                .linkedLibrary("_FoundationCShims", .when(configuration: .release)),
            ]
        ),
        // Golden files are read from the source tree (#filePath), so they can be reviewed and updated in place.
        // The tests' scratch folders, removed by the test that made them (Foundation only).
        .target(name: "TestScratch", path: "Tests/TestScratch"),
        .testTarget(name: "ModelTests", dependencies: ["Model", "TestScratch"], exclude: ["Golden"]),
        .testTarget(name: "SandboxTests", dependencies: ["Model", "Sandbox", "TestScratch"]),
        .testTarget(name: "ZqtTUITests", dependencies: ["ZqtTUI", "Model", "Images", "Sandbox", "TestScratch"], exclude: ["Screens", "Pictures"]),
    ],
    // toml++ (CTOML) needs C++17.
    cxxLanguageStandard: .cxx17
)
