// https: TLS over a SocketStream, with the system's OpenSSL 3 (libssl.so.3)
// opened on the first https call.
//
// Why it is opened by hand rather than linked: zqt's memory budget (issue 3,
// ≤ 25 MB resident) leaves no room for a TLS stack that loads with the
// program, and most sessions (the sandbox, plain-http test servers) never
// need one. The certificate is checked against the system's trust store
// (OpenSSL's default paths; SSL_CERT_FILE and SSL_CERT_DIR override them)
// and the host name, and TLS 1.2 is the oldest version accepted.

#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The few OpenSSL calls zqt needs, looked up once.
private struct OpenSSL: @unchecked Sendable {
    typealias Pointer = OpaquePointer
    let new: @convention(c) (Pointer?) -> Pointer?
    let free: @convention(c) (Pointer?) -> Void
    let setFD: @convention(c) (Pointer?, Int32) -> Int32
    let control: @convention(c) (Pointer?, Int32, Int, UnsafeMutableRawPointer?) -> Int
    let setHost: @convention(c) (Pointer?, UnsafePointer<CChar>?) -> Int32
    let parameters: @convention(c) (Pointer?) -> Pointer?
    let parametersSetIP: @convention(c) (Pointer?, UnsafePointer<CChar>?) -> Int32
    let connect: @convention(c) (Pointer?) -> Int32
    let read: @convention(c) (Pointer?, UnsafeMutableRawPointer?, Int32) -> Int32
    let write: @convention(c) (Pointer?, UnsafeRawPointer?, Int32) -> Int32
    let getError: @convention(c) (Pointer?, Int32) -> Int32
    let shutdown: @convention(c) (Pointer?) -> Int32
    let verifyResult: @convention(c) (Pointer?) -> Int
    let verifyErrorString: @convention(c) (Int) -> UnsafePointer<CChar>?
    let errorGet: @convention(c) () -> UInt
    let errorString: @convention(c) (UInt, UnsafeMutablePointer<CChar>?, Int) -> Void
    /// The client context every connection shares (thread-safe in OpenSSL 3).
    let context: Pointer

    static let errorWantRead: Int32 = 2, errorWantWrite: Int32 = 3, errorSyscall: Int32 = 5, errorZeroReturn: Int32 = 6

    /// Loaded once; the error says what is missing.
    static let shared: Result<OpenSSL, APIError> = load()

    private static func load() -> Result<OpenSSL, APIError> {
        guard let library = dlopen("libssl.so.3", RTLD_NOW) ?? dlopen("libssl.so", RTLD_NOW) else {
            return .failure(.transport("https needs OpenSSL 3 (libssl.so.3); install the libssl3 package"))
        }
        // dlsym on libssl's handle also finds libcrypto's symbols: libcrypto is its dependency.
        var missing: [String] = []
        func symbol<T>(_ name: String) -> T? {
            guard let pointer = dlsym(library, name) else { missing.append(name); return nil }
            return unsafeBitCast(pointer, to: T.self)
        }
        guard let clientMethod: @convention(c) () -> Pointer? = symbol("TLS_client_method"),
              let contextNew: @convention(c) (Pointer?) -> Pointer? = symbol("SSL_CTX_new"),
              let contextSetDefaultVerifyPaths: @convention(c) (Pointer?) -> Int32 = symbol("SSL_CTX_set_default_verify_paths"),
              let contextSetVerify: @convention(c) (Pointer?, Int32, UnsafeRawPointer?) -> Void = symbol("SSL_CTX_set_verify"),
              let contextSetOptions: @convention(c) (Pointer?, UInt64) -> UInt64 = symbol("SSL_CTX_set_options"),
              let contextControl: @convention(c) (Pointer?, Int32, Int, UnsafeMutableRawPointer?) -> Int = symbol("SSL_CTX_ctrl"),
              let new: @convention(c) (Pointer?) -> Pointer? = symbol("SSL_new"),
              let free: @convention(c) (Pointer?) -> Void = symbol("SSL_free"),
              let setFD: @convention(c) (Pointer?, Int32) -> Int32 = symbol("SSL_set_fd"),
              let control: @convention(c) (Pointer?, Int32, Int, UnsafeMutableRawPointer?) -> Int = symbol("SSL_ctrl"),
              let setHost: @convention(c) (Pointer?, UnsafePointer<CChar>?) -> Int32 = symbol("SSL_set1_host"),
              let parameters: @convention(c) (Pointer?) -> Pointer? = symbol("SSL_get0_param"),
              let parametersSetIP: @convention(c) (Pointer?, UnsafePointer<CChar>?) -> Int32 = symbol("X509_VERIFY_PARAM_set1_ip_asc"),
              let connect: @convention(c) (Pointer?) -> Int32 = symbol("SSL_connect"),
              let read: @convention(c) (Pointer?, UnsafeMutableRawPointer?, Int32) -> Int32 = symbol("SSL_read"),
              let write: @convention(c) (Pointer?, UnsafeRawPointer?, Int32) -> Int32 = symbol("SSL_write"),
              let getError: @convention(c) (Pointer?, Int32) -> Int32 = symbol("SSL_get_error"),
              let shutdown: @convention(c) (Pointer?) -> Int32 = symbol("SSL_shutdown"),
              let verifyResult: @convention(c) (Pointer?) -> Int = symbol("SSL_get_verify_result"),
              let verifyErrorString: @convention(c) (Int) -> UnsafePointer<CChar>? = symbol("X509_verify_cert_error_string"),
              let errorGet: @convention(c) () -> UInt = symbol("ERR_get_error"),
              let errorString: @convention(c) (UInt, UnsafeMutablePointer<CChar>?, Int) -> Void = symbol("ERR_error_string_n"),
              let context = contextNew(clientMethod())
        else {
            return .failure(.transport("the system's libssl lacks \(missing.isEmpty ? "a client context" : missing.joined(separator: ", ")); OpenSSL 3 is needed for https"))
        }
        _ = contextSetDefaultVerifyPaths(context)
        contextSetVerify(context, 1 /* SSL_VERIFY_PEER */, nil)
        // A server that closes without close_notify ends the body (HTTP frames it anyway).
        _ = contextSetOptions(context, 1 << 7 /* SSL_OP_IGNORE_UNEXPECTED_EOF */)
        _ = contextControl(context, 123 /* SSL_CTRL_SET_MIN_PROTO_VERSION */, 0x0303 /* TLS1_2_VERSION */, nil)
        return .success(OpenSSL(new: new, free: free, setFD: setFD, control: control, setHost: setHost, parameters: parameters,
                       parametersSetIP: parametersSetIP, connect: connect, read: read, write: write, getError: getError,
                       shutdown: shutdown, verifyResult: verifyResult, verifyErrorString: verifyErrorString,
                       errorGet: errorGet, errorString: errorString, context: context))
    }

    /// The oldest queued OpenSSL error as text, clearing the queue.
    func lastError() -> String? {
        var text: String?
        while case let code = errorGet(), code != 0 {
            if text == nil {
                var buffer = [CChar](repeating: 0, count: 256)
                errorString(code, &buffer, buffer.count)
                text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        return text
    }
}

final class TLSStream: ByteStream {
    private let socket: SocketStream
    private let ssl: OpenSSL
    private let connection: OpaquePointer
    private let host: String

    /// Shakes hands over `socket`, checking the certificate against `host`.
    init(socket: SocketStream, host: String, until deadline: Double) throws(APIError) {
        let ssl = try OpenSSL.shared.get()
        guard let connection = ssl.new(ssl.context) else {
            throw .unreachable(host: host, detail: "TLS failed (\(ssl.lastError() ?? "SSL_new"))")
        }
        self.socket = socket
        self.ssl = ssl
        self.connection = connection
        self.host = host
        _ = ssl.setFD(connection, socket.fd)
        if Self.isIPAddress(host) {
            _ = ssl.parametersSetIP(ssl.parameters(connection), host)
        } else {
            // SNI, so a shared front end picks the right certificate; then the name check.
            host.withCString { name in
                _ = ssl.control(connection, 55 /* SSL_CTRL_SET_TLSEXT_HOSTNAME */, 0 /* host_name */, UnsafeMutableRawPointer(mutating: name))
            }
            _ = ssl.setHost(connection, host)
        }
        while true {
            let result = ssl.connect(connection)
            if result == 1 { break }
            let error = ssl.getError(connection, result)
            switch error {
            case OpenSSL.errorWantRead: try socket.wait(for: Int16(POLLIN), until: deadline)
            case OpenSSL.errorWantWrite: try socket.wait(for: Int16(POLLOUT), until: deadline)
            default:
                let verify = ssl.verifyResult(connection)
                let detail = verify != 0
                    ? "certificate not trusted: \(ssl.verifyErrorString(verify).map { String(cString: $0) } ?? "error \(verify)")"
                    : ssl.lastError() ?? (error == OpenSSL.errorSyscall ? "connection closed during the handshake" : "handshake failed")
                throw .unreachable(host: host, detail: "TLS failed (\(detail))")
            }
        }
    }

    deinit {
        ssl.free(connection)
        socket.close()
    }

    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    func read(into buffer: inout [UInt8], until deadline: Double) throws(APIError) -> Int {
        while true {
            let count = Int32(buffer.count)
            let n = buffer.withUnsafeMutableBytes { ssl.read(connection, $0.baseAddress, count) }
            if n > 0 { return Int(n) }
            switch ssl.getError(connection, n) {
            case OpenSSL.errorWantRead: try socket.wait(for: Int16(POLLIN), until: deadline)
            case OpenSSL.errorWantWrite: try socket.wait(for: Int16(POLLOUT), until: deadline)
            case OpenSSL.errorZeroReturn: return 0
            case OpenSSL.errorSyscall where ssl.lastError() == nil: return 0
            default: throw .transport("TLS read failed (\(ssl.lastError() ?? "unknown error"))")
            }
        }
    }

    func writeAll(_ bytes: [UInt8], until deadline: Double) throws(APIError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { ssl.write(connection, $0.baseAddress, Int32($0.count)) }
            if n > 0 {
                offset += Int(n)
                continue
            }
            switch ssl.getError(connection, n) {
            case OpenSSL.errorWantRead: try socket.wait(for: Int16(POLLIN), until: deadline)
            case OpenSSL.errorWantWrite: try socket.wait(for: Int16(POLLOUT), until: deadline)
            default: throw .connectionLost
            }
        }
    }

    func close() {
        _ = ssl.shutdown(connection)
        socket.close()
    }
}
