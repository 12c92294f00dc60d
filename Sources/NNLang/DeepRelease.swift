/// Releases deeply nested values without recursion.
///
/// Swift releases an object's children from its `deinit`, so a chain built in a loop
/// (`a = [a]`, `d = {'k': d}`, a linked list of instances) a few million levels deep
/// overflows the stack when its head is dropped (a crash, found by the bad-input suite).
/// Each container's `deinit` hands its children to `release`, which empties every child
/// that nothing else references before letting it go, so each `deinit` sees no children
/// and the depth of the native stack stays constant.
enum DeepRelease {
    static func release(_ values: inout [Value]) {
        var pending = values
        values = []
        var lists: [ListObject] = []
        var dicts: [DictObject] = []
        var instances: [Instance] = []
        while true {
            while let value = pending.popLast() {
                switch value {
                case .list(let list): lists.append(list)
                case .tuple(let elements): pending.append(contentsOf: elements)
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
