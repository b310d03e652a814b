// A directory entry's name is read up to its NUL and no further (issue 20's
// re-check: a core showed zqt's start faulting in UnsavedDraftsFile.newest,
// copying an entry's whole 256-byte d_name past the end of readdir's buffer).

#if canImport(Glibc)
import Glibc
#endif
@testable import Model
import Testing

@Suite struct DirectoryEntryNameTests {
    /// A short entry as readdir leaves the last one of its buffer: its name
    /// ends right before memory that may not be read (a PROT_NONE page). Reading
    /// the declared 256 bytes of d_name here faults; the name alone does not.
    @Test func aShortLastEntryIsReadUpToItsNameOnly() throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let mapped = try #require(mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        #expect(mapped != MAP_FAILED)
        defer { munmap(mapped, 2 * page) }
        #expect(mprotect(mapped.advanced(by: page), page, PROT_NONE) == 0)
        let name = Array("zqt-unsaved-1.json".utf8) + [0]
        // The entry starts so that its name's NUL is the last readable byte.
        let start = page - DirectoryEntryName.offset - name.count
        let entry = mapped.advanced(by: start)
        memset(entry, 0, DirectoryEntryName.offset)
        name.withUnsafeBytes { _ = memcpy(entry.advanced(by: DirectoryEntryName.offset), $0.baseAddress!, name.count) }
        #expect(DirectoryEntryName.of(entry.assumingMemoryBound(to: dirent.self)) == "zqt-unsaved-1.json")
    }

    /// The names of a real folder, as readdir gives them.
    @Test func aFoldersNamesAreReadWhole() throws {
        let folder = "/tmp/zqt-dirent-\(getpid())"
        mkdir(folder, 0o700)
        defer { rmdir(folder) }
        let file = folder + "/a name with spaces é.json"
        #expect(creat(file, 0o600) >= 0)
        defer { unlink(file) }
        let directory = try #require(opendir(folder))
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) { names.append(DirectoryEntryName.of(entry)) }
        #expect(names.sorted() == [".", "..", "a name with spaces é.json"])
    }
}
