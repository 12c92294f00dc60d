import Foundation
import Tensor

/// Whether operations record the graph, per thread (so parallel sessions never share it).
///
/// ```swift
/// try GradMode.withDisabled { try (w - lr * w.grad!).detach() }   // `with no_grad():`
/// ```
public enum GradMode {
    /// True unless inside `withDisabled` on this thread.
    public static var isEnabled: Bool {
        @inline(__always) get { AutogradThreadState.current.gradEnabled }
    }

    /// Runs `body` with graph recording switched off on this thread (`torch.no_grad()`).
    public static func withDisabled<R>(_ body: () throws -> R) rethrows -> R {
        try with(enabled: false, body)
    }

    /// Runs `body` with graph recording set to `enabled`, restoring the previous mode after.
    public static func with<R>(enabled: Bool, _ body: () throws -> R) rethrows -> R {
        let state = AutogradThreadState.current
        let previous = state.gradEnabled
        state.gradEnabled = enabled
        defer { state.gradEnabled = previous }
        return try body()
    }

    /// Sets the mode for the rest of this thread's work (`torch.set_grad_enabled`).
    public static func set(enabled: Bool) { AutogradThreadState.current.gradEnabled = enabled }
}

final class AutogradThreadState {
    var gradEnabled = true

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            if let pointer = pointer { Unmanaged<AutogradThreadState>.fromOpaque(pointer).release() }
        }
        return key
    }()

    static var current: AutogradThreadState {
        @inline(__always) get {
            if let raw = pthread_getspecific(key) {
                return Unmanaged<AutogradThreadState>.fromOpaque(raw).takeUnretainedValue()
            }
            let state = AutogradThreadState()
            pthread_setspecific(key, Unmanaged.passRetained(state).toOpaque())
            return state
        }
    }
}
