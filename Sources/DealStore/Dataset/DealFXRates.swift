public import DealModel
import Foundation

/// Where a store's FX table comes from: the operator's `fx-rates.dfx` in the store's directory (for dealsd,
/// `store/` in its `data_dir`) when there is one, otherwise the table bundled with DealStore (the ECB's euro
/// reference rates, `Dataset/Generated/DealFXTableData.swift`).
///
/// The operator replaces the table by writing a file in the same format there
/// (`python3 Tools/fx/make-fx-table.py --zip eurofxref-hist.zip -o DATA_DIR/store/fx-rates.dfx`) and restarting the
/// daemon; a file that does not read stops the store from opening, with a message naming it, rather than
/// converting with rates nobody chose.
public enum DealFXRates {
    /// The operator's table, in the store's data directory.
    public static let fileName = "fx-rates.dfx"

    /// The bundled table, read once per process (about 430 KB; README, "Money in one currency", gives its load time).
    public static let bundled: Result<DealFXTable, DealFXTableError> = Result { () throws(DealFXTableError) in
        try Self.decodeBundled()
    }

    /// Reads the bundled table afresh (``bundled`` keeps the result; dealstore-bench times this).
    public static func decodeBundled() throws(DealFXTableError) -> DealFXTable {
        // Base64 in a string literal (Dataset/Generated/DealFXTableData.swift): it compiles at once, where an embedInCode
        // array literal of 430,000 bytes keeps the compiler busy for many minutes.
        guard let data = Data(base64Encoded: DealFXTableData.base64) else {
            throw DealFXTableError(code: .malformed, message: "the bundled FX table is not base64")
        }
        return try DealFXTable(bytes: [UInt8](data))
    }

    /// The table for the store in `directory`.
    static func load(directory: String) throws(DealStoreError) -> DealFXTable {
        let path = directory + "/" + Self.fileName
        if DealFileIO.fileSize(path) != nil {
            do {
                let bytes = try DealFileIO.readFile(path)
                return try DealFXTable(bytes: bytes)
            } catch let error as DealFXTableError {
                throw DealStoreError(
                    code: .failedPrecondition,
                    message: "the FX table \(path) does not read: \(error); replace or remove it",
                    cause: error
                )
            } catch {
                throw DealStoreError(
                    code: .failedPrecondition,
                    message: "cannot read the FX table \(path)",
                    cause: error
                )
            }
        }
        return try Self.bundledTable()
    }

    /// The bundled table, or an internal error if the build embedded a broken one.
    static func bundledTable() throws(DealStoreError) -> DealFXTable {
        switch Self.bundled {
        case .success(let table): return table
        case .failure(let error):
            throw DealStoreError(code: .internal, message: "the bundled FX table does not read", cause: error)
        }
    }
}
