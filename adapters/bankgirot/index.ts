export {
  BGMAX_RECORD_LENGTH,
  type BgMaxDeposit,
  type BgMaxFile,
  BgMaxFormatError,
  type BgMaxPayment,
  type BgMaxReferenceType,
  decodeBgMax,
  parseBgMax,
} from './bgmax';
