// GET /sdapi/v1/progress (issue 20; modules/api/models.py ProgressResponse):
// how far the server's current job is, read tolerantly (a field of an
// unexpected type is left out, never a crash).
//
//     {"progress": 0.35, "eta_relative": 3.1,
//      "state": {"skipped": false, "interrupted": false, "job": "txt2img", "job_count": 1,
//                "job_timestamp": "20261206142233", "job_no": 0, "sampling_step": 7, "sampling_steps": 20},
//      "current_image": "<base64 PNG or null>", "textinfo": null}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public struct A1111Progress: Sendable, Equatable {
    public static let path = "sdapi/v1/progress"

    /// 0…1.
    public let fraction: Double
    /// Seconds left, when the server guesses.
    public let etaSeconds: Double?
    /// The job's name ("txt2img", "img2img", "scripts_txt2img"); empty when idle.
    public let job: String
    public let jobCount: Int
    /// When the job started, as the server writes it: tells one job from the next.
    public let jobTimestamp: String
    public let jobNumber: Int
    public let samplingStep: Int?
    public let samplingSteps: Int?
    public let interrupted: Bool
    public let skipped: Bool
    /// The preview, base64; nil when the server sent none (or `skip_current_image`).
    public let currentImage: String?
    public let textinfo: String?

    public init(_ value: JSONValue) {
        let state = value["state"]
        fraction = min(max(value["progress"]?.numberValue.flatMap { $0.isFinite ? $0 : nil } ?? 0, 0), 1)
        etaSeconds = value["eta_relative"]?.numberValue.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
        job = state?["job"]?.stringValue ?? ""
        jobCount = state?["job_count"].flatMap(WireCoding.integer) ?? 0
        jobTimestamp = state?["job_timestamp"]?.stringValue ?? state?["job_timestamp"].flatMap(WireCoding.integer).map(String.init) ?? ""
        jobNumber = state?["job_no"].flatMap(WireCoding.integer) ?? 0
        samplingStep = state?["sampling_step"].flatMap(WireCoding.integer)
        samplingSteps = state?["sampling_steps"].flatMap(WireCoding.integer)
        interrupted = state?["interrupted"]?.boolValue ?? false
        skipped = state?["skipped"]?.boolValue ?? false
        currentImage = value["current_image"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        textinfo = value["textinfo"]?.stringValue
    }

    /// No job runs.
    public var isIdle: Bool { job.isEmpty && jobCount <= 0 && fraction == 0 }

    /// Which of the batch's iterations (`n_iter`) runs, 1-based, and how
    /// many there are, from the words A1111 itself shows ("Batch 2 out of
    /// 3", processing.py); nil for a job of one iteration. `job_no` is not
    /// it: it counts hi-res passes as jobs too (job_count is n_iter × 2 then),
    /// and each iteration makes `batch_size` pictures at once.
    public var iteration: (number: Int, of: Int)? {
        let words = job.split(separator: " ")
        guard words.count == 5, words[0] == "Batch", words[2] == "out", words[3] == "of",
              let number = Int(words[1]), let total = Int(words[4]), total > 1, (1...total).contains(number) else { return nil }
        return (number, total)
    }

    /// The status line's words for a running job: "step 7/20, batch 2 of 3, about 3 s left";
    /// after a skip (`B`), until the next iteration starts: "skipping batch 1 of 3".
    public var desc: String {
        var parts: [String] = []
        if let step = samplingStep, let steps = samplingSteps, steps > 0, !skipped { parts.append("step \(step)/\(steps)") }
        if let iteration {
            parts.append("\(skipped ? "skipping " : "")batch \(iteration.number) of \(iteration.of)")
        } else if skipped {
            parts.append("skipping")
        }
        // A1111's eta_relative is elapsed time over progress: before the first step it is a guess
        // (a 6 s job said "step 0/20, about 15 s left"), so no time left until a step is done.
        let measured = samplingStep.map { $0 > 0 } ?? (fraction > 0)
        if let eta = etaSeconds, fraction > 0, measured { parts.append("about \(Int(exactly: eta.rounded()) ?? 0) s left") }
        if interrupted { parts.append("interrupting") }
        return parts.isEmpty ? "generating" : parts.joined(separator: ", ")
    }
}

/// How a generation call's progress is followed (issue 20): which job on the
/// server is ours. A job that was running before our call was sent is
/// another client's; progress that still shows it means the server is busy
/// and ours waits in its queue.
public struct A1111JobWatch: Sendable {
    /// The timestamp of the job the server ran when we sent, if it ran one.
    public let earlierJob: String?
    /// Whether that job may still be the one running: it ends for good once
    /// the server is seen idle, on another timestamp, or back at an earlier
    /// fraction (a new job started within the same second, which A1111's
    /// timestamps cannot tell apart).
    private var earlierRunning: Bool
    private var earlierFraction: Double
    /// Our job was seen running: an idle server after it is sending the answer.
    private var oursSeen = false

    public init(before: A1111Progress?) {
        earlierJob = before.flatMap { $0.isIdle ? nil : $0.jobTimestamp }
        earlierRunning = earlierJob != nil
        earlierFraction = before?.fraction ?? 0
    }

    /// Reads one progress answer: whether it still shows the other client's job.
    public mutating func observe(_ progress: A1111Progress) -> Bool {
        guard earlierRunning else {
            if !progress.isIdle { oursSeen = true }
            return false
        }
        if progress.isIdle || progress.jobTimestamp != earlierJob || progress.fraction + 0.05 < earlierFraction {
            earlierRunning = false
            oursSeen = !progress.isIdle
            return false
        }
        earlierFraction = max(earlierFraction, progress.fraction)
        return true
    }

    /// The task's progress as TaskInfo reads it (status 1 running, `temporaryImageDto`
    /// with the fraction and the preview's URL), or a wait when the job is not ours.
    public func info(_ progress: A1111Progress, previewURL: String?, others: Bool) -> TaskInfo {
        let busy = others
        // Idle after ours ran: the job is done and its answer on its way.
        let finishing = progress.isIdle && oursSeen
        var dto: [(key: String, value: JSONValue)] = [(key: "progress", value: .double(busy ? 0 : (finishing ? 1 : progress.fraction)))]
        if let previewURL, !busy { dto.append((key: "image_url", value: .string(previewURL))) }
        let desc = busy ? "the server is busy with another client's job (\(Int(exactly: (progress.fraction * 100).rounded()) ?? 0)%); ours waits"
            : (finishing ? "done; receiving the pictures" : (progress.isIdle ? "sent; waiting for the server" : progress.desc))
        return TaskInfo(data: .object([(key: "status", value: .int(1)), (key: "desc", value: .string(desc)),
                                       (key: "temporaryImageDto", value: .object(dto))]),
                        family: Family.a1111, result: .images)
    }

}
