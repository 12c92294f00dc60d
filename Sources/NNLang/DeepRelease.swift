/// Releases deeply nested values without recursion.
///
/// Swift releases an object's children from its `deinit`, so a chain built in a loop
/// (`a = [a]`, `d = {'k': d}`, a linked list of instances) a few million levels deep
/// overflows the stack when its head is dropped (a crash, found by the bad-input suite).
/// Each container's `deinit` hands its children to `release`, which empties every child
/// that nothing else references before letting it go, so each `deinit` sees no children
/// and the depth of the native stack stays constant.
enum DeepRelease {
    /// Releases one value (leaving `.none`), taking apart the tuples, lists, dicts and
    /// instances inside it that nothing else references.
    @inline(never)
    static func release(_ value: inout Value) {
        guard isTupleOfContainers(value) else { return }
        var pending: [Value] = [.none]
        swap(&pending[0], &value)
        release(&pending)
    }

    /// A separate function so that no reference to the tuple's elements outlives the test.
    @inline(never)
    private static func isTupleOfContainers(_ value: Value) -> Bool {
        guard case .tuple(let items) = value else { return false }
        return items.contains(where: \.isContainer)
    }

    /// Moves the elements out of a tuple that nothing else references (leaving `.none`);
    /// nil when the tuple is shared. Swift arrays have no public uniqueness test, so this
    /// asks for mutable access and sees whether copy-on-write moved the buffer.
    @inline(never)
    private static func takeUniqueElements(_ value: inout Value) -> [Value]? {
        guard case .tuple(var elements) = value else { return nil }
        value = .none
        let before = elements.withUnsafeBufferPointer { $0.baseAddress }
        let after = elements.withUnsafeMutableBufferPointer { UnsafePointer($0.baseAddress) }
        return before == after ? elements : nil
    }

    static func release(_ values: inout [Value]) {
        var pending = values
        values = []
        var lists: [ListObject] = []
        var dicts: [DictObject] = []
        var instances: [Instance] = []
        while true {
            while !pending.isEmpty {
                // Swapped out rather than `popLast()`: that form kept a second reference to
                // the value alive, so no tuple ever looked unique (measured).
                var value = Value.none
                swap(&value, &pending[pending.count - 1])
                pending.removeLast()
                if case .tuple = value {
                    // Only a tuple nothing else holds is taken apart: a shared one (the old
                    // `t` inside the new one in `t = (t,)`) is not being freed, and walking
                    // it would make every rebinding cost the chain's length.
                    if let elements = takeUniqueElements(&value) { pending.append(contentsOf: elements) }
                    continue
                }
                switch value {
                case .list(let list): lists.append(list)
                case .dict(let dict): dicts.append(dict)
                case .instance(let instance): instances.append(instance)
                default: break
                }
            }
            // Each object is released at the end of its iteration, emptied if this was the
            // last reference (otherwise someone else still owns its children).
            if var list = lists.popLast() {
                if isKnownUniquelyReferenced(&list) { swap(&pending, &list.items) }
            } else if var dict = dicts.popLast() {
                if isKnownUniquelyReferenced(&dict) { pending = dict.takeValues() }
            } else if var instance = instances.popLast() {
                if isKnownUniquelyReferenced(&instance) { pending = instance.takeAttributeValues() }
            } else {
                return
            }
        }
    }
}

extension Value {
    /// Whether the value can hold other values whose release could recurse.
    var isContainer: Bool {
        switch self {
        case .list, .tuple, .dict, .instance: return true
        default: return false
        }
    }
}
