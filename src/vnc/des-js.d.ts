// des.js ships no types: the one constructor tsvnc uses, as its lib/des/des.js defines it.
declare module 'des.js' {
  interface Cipher {
    update(data: Uint8Array | number[]): number[];
    final(): number[];
  }
  const des: { DES: { create(options: { type: 'encrypt' | 'decrypt'; key: Uint8Array | number[]; padding?: boolean }): Cipher } };
  export default des;
}
