// A request's pictures moved for the other kind of server (issue 20), off
// the event loop: downloads through the connection's HTTP client (bounded,
// KindMove), files written under $ZQT_HOME/moved; answered by `.kindMoved`.

import Model

extension EffectRunner {
    func moveKind(_ job: KindMoveJob) {
        let api = api, inbox = inbox
        Task.detached {
            let outcome = await KindMove.perform(job.plan.translated, folder: job.folder, downloaded: .file) { url, maxBytes in
                do throws(APIError) {
                    return .success(try await api.download(url, maxBytes: maxBytes))
                } catch {
                    return .failure(error)
                }
            }
            inbox.post(.kindMoved(KindMoveDone(job: job, outcome: outcome)))
        }
    }
}
