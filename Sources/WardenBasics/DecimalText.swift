/// Integers written in decimal straight into a byte buffer, with no String made for them
/// (durations and decision ids in answers of a million decisions).
public enum DecimalText {
    /// Appends `value`'s digits.
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        let start = bytes.count
        var rest = value
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        bytes[start...].reverse()
    }

    /// Appends `value`'s digits, after a `-` when it is negative.
    public static func append(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        append(value.magnitude, to: &bytes)
    }
}
