/// Methods of `list` and `tuple`.
extension Library {
    func registerListMethods() {
        func list(_ a: Arguments) -> ListObject {
            if case .list(let l) = a.receiver { return l }
            return ListObject([])
        }
        method("list", "append", "object, /", doc: "Adds an item at the end.") { a in
            list(a).items.append(a["object"])
            return .none
        }
        method("list", "extend", "iterable, /", doc: "Appends every item of an iterable.") { a in
            let l = list(a), items = try a.interpreter.iterateToArray(a["iterable"])
            try a.interpreter.checkSequenceSize("list", count: l.items.count + items.count, itemBytes: MemoryLayout<Value>.stride)
            l.items.append(contentsOf: items)
            return .none
        }
        method("list", "pop", "index=-1, /", doc: "Removes and returns the item at index (default last).") { a in
            let l = list(a)
            if l.items.isEmpty { throw LangError("pop from empty list") }
            var i = try a.int("index")
            if i < 0 { i += l.items.count }
            guard i >= 0 && i < l.items.count else { throw LangError("pop index out of range") }
            return l.items.remove(at: i)
        }
        method("list", "insert", "index, object, /", doc: "Inserts an item before index.") { a in
            let l = list(a)
            var i = try a.int("index")
            if i < 0 { i = max(0, i + l.items.count) }
            l.items.insert(a["object"], at: min(i, l.items.count))
            return .none
        }
        method("list", "remove", "value, /", doc: "Removes the first item equal to value.") { a in
            let l = list(a)
            for (i, v) in l.items.enumerated() where try a.interpreter.equals(v, a["value"]) {
                l.items.remove(at: i)
                return .none
            }
            throw LangError("list.remove(x): x not in list")
        }
        for type in ["list", "tuple"] {
            func items(_ a: Arguments) -> [Value] {
                switch a.receiver {
                case .list(let l): return l.items
                case .tuple(let t): return t
                default: return []
                }
            }
            method(type, "index", "value, start=0, stop=9223372036854775807, /", doc: "Index of the first item equal to value.") { a in
                let xs = items(a)
                var start = try a.int("start"), stop = try a.int("stop")
                if start < 0 { start = max(0, start + xs.count) }
                if stop < 0 { stop = max(0, stop + xs.count) }
                stop = min(stop, xs.count)
                if start < stop {
                    for i in start..<stop where try a.interpreter.equals(xs[i], a["value"]) { return .int(i) }
                }
                throw LangError("\(try a.interpreter.repr(a["value"])) is not in \(type)")
            }
            method(type, "count", "value, /", doc: "Number of items equal to value.") { a in
                .int(try items(a).filter { try a.interpreter.equals($0, a["value"]) }.count)
            }
        }
        method("list", "reverse", "", doc: "Reverses the list in place.") { a in
            list(a).items.reverse()
            return .none
        }
        method("list", "sort", "*, key=None, reverse=False", doc: "Sorts the list in place (stable).") { a in
            let l = list(a)
            l.items = try a.interpreter.sortedValues(l.items, key: a["key"], reverse: try a.bool("reverse"))
            return .none
        }
        method("list", "copy", "", doc: "A shallow copy.") { a in .list(ListObject(list(a).items)) }
        method("list", "clear", "", doc: "Removes every item.") { a in
            list(a).items.removeAll()
            return .none
        }
        method("float", "is_integer", "", doc: "Whether the float has no fractional part.") { a in
            guard case .float(let d) = a.receiver else { return .bool(true) }
            return .bool(d.isFinite && d == d.rounded())
        }
    }
}
