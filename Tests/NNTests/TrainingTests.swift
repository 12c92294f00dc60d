import Autograd
import Foundation
import NN
import Tensor
import Testing

// Training smoke tests: the whole stack (layers, losses, optimisers, data) learns real tasks.

private func accuracy(_ logits: Tensor, _ labels: Tensor) throws -> Double {
    let predicted = try logits.argmax(dim: 1).data.toDoubles()
    let truth = labels.data.toDoubles()
    return Double(zip(predicted, truth).filter { $0 == $1 }.count) / Double(truth.count)
}

@Test func mlpLearnsMoons() throws {
    let g = Generator(seed: 0)
    let (x, y) = try Datasets.moons(n: 600, noise: 0.1, generator: g)
    let (testX, testY) = try Datasets.moons(n: 400, noise: 0.1, generator: g)
    let model = try MLP(sizes: [2, 32, 32, 2], generator: g)
    let optimizer = try Adam(model.parameters(), lr: 0.02)
    for _ in 0..<300 {
        optimizer.zeroGrad()
        let loss = try F.crossEntropy(try model(x), y)
        try loss.backward()
        try optimizer.step()
    }
    let acc = try GradMode.withDisabled { try accuracy(try model(testX), testY) }
    #expect(acc >= 0.97, "moons test accuracy \(acc)")
}

@Test func cnnLearnsDigits() throws {
    let g = Generator(seed: 0)
    let (allX, allY) = try Datasets.digits()
    // a seeded 80/20 split
    let order = try g.randperm(1797).toDoubles().map { Int($0) }
    let trainRows = Array(order[0..<1437]), testRows = Array(order[1437...])
    func rows(_ t: Tensor, _ r: [Int]) throws -> Tensor {
        try t.index([.tensor(try NDArray(doubles: r.map(Double.init), shape: [r.count], dtype: .int64))])
    }
    let images = try (try allX / 16.0).reshape([1797, 1, 8, 8])
    let trainX = try rows(images, trainRows), trainY = try rows(allY, trainRows)
    let testX = try rows(images, testRows), testY = try rows(allY, testRows)
    let model = Sequential([
        try Conv2d(inChannels: 1, outChannels: 16, kernelSize: [3], padding: .explicit([1]), generator: g), ReLU(),
        try MaxPool2d(kernelSize: [2]),
        try Conv2d(inChannels: 16, outChannels: 32, kernelSize: [3], padding: .explicit([1]), generator: g), ReLU(),
        try MaxPool2d(kernelSize: [2]),
        Flatten(),
        try Linear(inFeatures: 32 * 2 * 2, outFeatures: 10, generator: g),
    ])
    let optimizer = try Adam(model.parameters(), lr: 0.005)
    for _ in 0..<6 {
        for (bx, by) in try Batches(trainX, trainY, batchSize: 64, shuffle: true, generator: g) {
            optimizer.zeroGrad()
            try (try F.crossEntropy(try model(bx), by)).backward()
            try optimizer.step()
        }
    }
    model.eval()
    let acc = try GradMode.withDisabled { try accuracy(try model(testX), testY) }
    #expect(acc >= 0.95, "digits test accuracy \(acc)")
}
