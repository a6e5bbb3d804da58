var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// build/kernels.wasm.js
var kernels_wasm_exports = {};
__export(kernels_wasm_exports, {
  kernelsWasmByteLength: () => kernelsWasmByteLength,
  kernelsWasmBytes: () => kernelsWasmBytes
});
function kernelsWasmBytes() {
  if (bytes === void 0) {
    const text = atob(BASE64);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  }
  return bytes;
}
var BASE64, bytes, kernelsWasmByteLength;
var init_kernels_wasm = __esm({
  "build/kernels.wasm.js"() {
    "use strict";
    BASE64 = "AGFzbQEAAAABVA1gA39/fwF/YAAAYAF/AX9gAAF/YAN/f38AYAABfGABfwBgBH9/f38AYAd/f39/f39/AX9gBn9/f39/fwBgAXwAYAZ/f39/f38Bf2AFf39/f38BfwMbGgIGAQECBwgCAAEACQAECgEFAwUEAwMLDAAABQMBAAEGQg1/AUEAC38BQQALfwFBAAt+AUIAC38BQQALfgFCAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEACweCAhMFYWxsb2MAAAVyZXNldAAPDnNldE1lbW9yeUxpbWl0AA4LbWVtb3J5TGltaXQAEAllcnJvckNvZGUAEQplcnJvckJ5dGVzABIJYXJlbmFVc2VkABQOYXJlbmFIaWdoV2F0ZXIAFQljb3B5Qnl0ZXMAEwxtdXJtdXIzUmFuZ2UADAtoYXNoU3RyaW5ncwAFC2hhc2hOdW1iZXJzAA0PcGFydGl0aW9uSGFzaGVzAAsNcmVkdWNlU3RyaW5ncwAWDXJlZHVjZU51bWJlcnMAFwxtZXJnZVN0cmluZ3MAGAxtZXJnZU51bWJlcnMAGQl3b3JkQ291bnQACgZtZW1vcnkCAAgBCQwBBAqbPxq3AQIFfgF/IwBFBEBBgAokAEGACiQBQYAKJAILIwEiBq0gAK18Qhd8QnCDIgI/AKxCEIZWBEAgAiMDVgRAQQEkBCACJAUACyACQv//A3xCEIg/AKwiA30iBCADIAMgBFQbIQEjA0IQiCIFIAEgA3xUBEAgBSADfSEBCyABIARUBH9BAQUgAadAAEEASAsEQCAEp0AAQQBIBEBBASQEIAIkBQALCwsgAqckASMBIwJLBEAjASQCCyAGC3IBA39BBCEBA0AgAUEeSQR/QgEgAa2GIACtQgGGVAVBAAsEQCABQQFqIQEMAQsLQQEgAUEFanQiAhAAIgNBACAC/AsAIAMkBkEgIAFrJAdBASABdEEBayQIQQggACAAQQhNGyQKIwpBAnQQACQJQQAkCwvUAQEGf0EhIwdrIgBBHkoEQEEDJARCACQFAAsjBiECQQEgAEEFanQiAxAAIgRBACAD/AsAIAQkBkEgIABrJAdBASAAdEEBayQIA0AgASMLSQRAIAIjCSABQQJ0aiIEKAIAQQV0aiIDKAIAQbHz3fF5bCMHdiEAA0AjBiAAQQV0aigCBARAIwggAEEBanEhAAwBCwsjBiAAQQV0aiIFIAMpAwA3AwAgBSADKQMINwMIIAUgAykDEDcDECAFIAMpAxg3AxggBCAANgIAIAFBAWohAQwBCwsLJQECfyMKQQF0IgBBAnQQACIBIwkjC0ECdPwKAAAgASQJIAAkCgvyAgESfyAARQRAQQMkBEIAJAUACyAAIABBAWpBAnQiAxAAIgIgAxAAIg4QCCEJIABBAnQiCiAOaigCACMLIgNBAnQQACEFIANBA3QQACEGIAAgA2pBAnQQACEEEAAhDyAKEAAhByAKEAAhCCAHIAIgCvwKAAAgCCAOIAr8CgAAA0AgACABSwRAIAQgAiABQQJ0aigCACABakECdGpBADYCACABQQFqIQEMAQsLQQAhAQNAIAEgA0kEQCAHIAkgAUECdCIMaigCACIKQQJ0IgtqIg0oAgAhECANIBBBAWo2AgAjBiMJIAxqKAIAQQV0aiIMKAIIIQ0gCCALaiIRKAIAIhIgD2ogDCgCDCAN/AoAACARIA0gEmoiDTYCACAFIBBBAnRqIAwoAgA2AgAgBiAQQQN0aiAMKwMYOQMAIAQgCiAQakEBakECdGogDSALIA5qKAIAazYCACABQQFqIQEMAQsLIAAgAiAFIAYgBCAPIA4QBgu9DwISfwF+A0AgFUEEaiACTQRAIAEgFUECdGoiBSgCACENIAUoAgQiECANayEUIAUoAggiDyAQayETIAUoAgwiDiAPayESIAAgEGohDCAAIA9qIQsgACAOaiEJIAAgDWoiBCAUIBMgEyAUSxsiBiASIAUoAhAgDmsiESARIBJLGyIFIAUgBksbQXxxaiEGQQAhBUEAIQpBACEIQQAhBwNAIAQgBkkEQCAFIAQoAgBB0dr45HxsQQ93QZPrnNwBbHNBDXdBBWxBnKmuzQFrIQUgCiAMKAIAQdHa+OR8bEEPd0GT65zcAWxzQQ13QQVsQZyprs0BayEKIAggCygCAEHR2vjkfGxBD3dBk+uc3AFsc0ENd0EFbEGcqa7NAWshCCAHIAkoAgBB0dr45HxsQQ93QZPrnNwBbHNBDXdBBWxBnKmuzQFrIQcgBEEEaiEEIAxBBGohDCALQQRqIQsgCUEEaiEJDAELCyAAIA1qIBRBfHFqIQ0DQCAEQQhqIgYgDU0EQCAFIAQpAwAiFqdB0dr45HxsQQ93QZPrnNwBbHNBDXdBBWxBnKmuzQFrIBZCIIinQdHa+OR8bEEPd0GT65zcAWxzQQ13QQVsQZyprs0BayEFIAYhBAwBCwsgBCANSQR/IAUgBCgCAEHR2vjkfGxBD3dBk+uc3AFsc0ENd0EFbEGcqa7NAWshBSAEQQRqBSAECyEGQQAhBAJAAkACQAJAIBRBA3FBAWsOAwIBAAMLIAYtAAJBEHQhBAsgBCAGLQABQQh0cyEECyAFIAQgBi0AAHNB0dr45HxsQQ93QZPrnNwBbHMhBQsgAyAVQQJ0aiINIAUgFHMiBCAEQRB2c0HrlK+veGwiBCAEQQ12c0G13MqVfGwiBCAEQRB2czYCACAKIQUgDCEEIAAgEGogE0F8cWohCgNAIARBCGoiBiAKTQRAIAUgBCkDACIWp0HR2vjkfGxBD3dBk+uc3AFsc0ENd0EFbEGcqa7NAWsgFkIgiKdB0dr45HxsQQ93QZPrnNwBbHNBDXdBBWxBnKmuzQFrIQUgBiEEDAELCyAEIApJBH8gBSAEKAIAQdHa+OR8bEEPd0GT65zcAWxzQQ13QQVsQZyprs0BayEFIARBBGoFIAQLIQZBACEEAkACQAJAAkAgE0EDcUEBaw4DAgEAAwsgBi0AAkEQdCEECyAEIAYtAAFBCHRzIQQLIAUgBCAGLQAAc0HR2vjkfGxBD3dBk+uc3AFscyEFCyANIAUgE3MiBCAEQRB2c0HrlK+veGwiBCAEQQ12c0G13MqVfGwiBCAEQRB2czYCBCAIIQUgCyEEIAAgD2ogEkF8cWohCANAIARBCGoiBiAITQRAIAUgBCkDACIWp0HR2vjkfGxBD3dBk+uc3AFsc0ENd0EFbEGcqa7NAWsgFkIgiKdB0dr45HxsQQ93QZPrnNwBbHNBDXdBBWxBnKmuzQFrIQUgBiEEDAELCyAEIAhJBH8gBSAEKAIAQdHa+OR8bEEPd0GT65zcAWxzQQ13QQVsQZyprs0BayEFIARBBGoFIAQLIQZBACEEAkACQAJAAkAgEkEDcUEBaw4DAgEAAwsgBi0AAkEQdCEECyAEIAYtAAFBCHRzIQQLIAUgBCAGLQAAc0HR2vjkfGxBD3dBk+uc3AFscyEFCyANIAUgEnMiBCAEQRB2c0HrlK+veGwiBCAEQQ12c0G13MqVfGwiBCAEQRB2czYCCCAHIQUgCSEEIAAgDmogEUF8cWohBwNAIARBCGoiBiAHTQRAIAUgBCkDACIWp0HR2vjkfGxBD3dBk+uc3AFsc0ENd0EFbEGcqa7NAWsgFkIgiKdB0dr45HxsQQ93QZPrnNwBbHNBDXdBBWxBnKmuzQFrIQUgBiEEDAELCyAEIAdJBH8gBSAEKAIAQdHa+OR8bEEPd0GT65zcAWxzQQ13QQVsQZyprs0BayEFIARBBGoFIAQLIQZBACEEAkACQAJAAkAgEUEDcUEBaw4DAgEAAwsgBi0AAkEQdCEECyAEIAYtAAFBCHRzIQQLIAUgBCAGLQAAc0HR2vjkfGxBD3dBk+uc3AFscyEFCyANIAUgEXMiBCAEQRB2c0HrlK+veGwiBCAEQQ12c0G13MqVfGwiBCAEQRB2czYCDCAVQQRqIRUMAQsLA0AgAiAVSwRAQQAhBSABIBVBAnRqKAIAIgYgAGoiBCABIBVBAWpBAnRqKAIAIAZrIghBfHFqIQcDQCAEQQhqIgYgB00EQCAFIAQpAwAiFqdB0dr45HxsQQ93QZPrnNwBbHNBDXdBBWxBnKmuzQFrIBZCIIinQdHa+OR8bEEPd0GT65zcAWxzQQ13QQVsQZyprs0BayEFIAYhBAwBCwsgBCAHSQR/IAUgBCgCAEHR2vjkfGxBD3dBk+uc3AFsc0ENd0EFbEGcqa7NAWshBSAEQQRqBSAECyEGQQAhBAJAAkACQAJAIAhBA3FBAWsOAwIBAAMLIAYtAAJBEHQhBAsgBCAGLQABQQh0cyEECyAFIAQgBi0AAHNB0dr45HxsQQ93QZPrnNwBbHMhBQsgAyAVQQJ0aiAFIAhzIgQgBEEQdnNB65Svr3hsIgQgBEENdnNBtdzKlXxsIgQgBEEQdnM2AgAgFUEBaiEVDAELCwtCAQF/QSAQACIHIws2AgAgByAANgIEIAcgATYCCCAHIAI2AgwgByADNgIQIAcgBDYCFCAHIAU2AhggByAGNgIcIAcL2wEBC38gAEUEQEEDJARCACQFAAsgACAAQQFqQQJ0EAAiAkEAEAghBiMLIgNBAnQQACEEIANBA3QiBxAAIQUgBxAAIQkgAEECdCIIEAAiByACIAj8CgAAA0AgASADSQRAIAcgBiABQQJ0IgpqKAIAQQJ0aiILKAIAIQggCyAIQQFqNgIAIAhBA3QiCyAJaiMGIwkgCmooAgBBBXRqIgopAxA3AwAgBSALaiAKKwMYOQMAIAQgCEECdGogCigCADYCACABQQFqIQEMAQsLIAAgAiAEIAVBACAJQQAQBguKAgEGfyMLIgVBAnQQACEEIAFBACAAQQFqQQJ0Igb8CwAgAgRAIAJBACAG/AsACwNAIAMgBUkEQCMGIANBAnQiBiMJaigCAEEFdGoiBygCACEIIAQgBmogACAAQQFrcQR/IAggAHAFIAggAEEBa3ELIgY2AgAgBkEBakECdCIGIAFqIgggCCgCAEEBajYCACACBEAgAiAGaiIGIAYoAgAgBygCCGo2AgALIANBAWohAwwBCwtBACEDA0AgACADSwRAIANBAWpBAnQiBSABaiIGIAYoAgAgBkEEaygCAGo2AgAgAgRAIAIgBWoiBSAFKAIAIAVBBGsoAgBqNgIACyADQQFqIQMMAQsLIAQLDgBCgICAgAQkA0EAJAQLlwoCCn8BfiACRQRAQQMkBEIAJAUACyAAIAFqIQtBgCAgAUEEdiIBIAFBgCBPGxABA0AgACALSQRAIAAtAAAiBEGACGotAAAiAUEBRgRAIABBAWohAAwCCyABQQJGBEACfyAEQcIBRgRAIABBAWogC0kEQEECIAAtAAEiAUGgAUYgAUGFAUZyDQIaC0EADAELQQAgAEECaiALTw0AGiAALQABIQMgAC0AAiEBIARB4gFGBEBBA0EAIAFBqAFGIAFBgAFrQQpNciABQakBRnIgAUGvAUZyGyADQYABRg0BGkEDQQAgAUGfAUYgA0GBAUZxGwwBC0EDQQAgAUGAAUYiASADQZoBRnEbIARB4QFGDQAaQQNBACABIANBgAFGcRsLIgEEQCAAIAFqIQAMAwsLIAAiA0EBaiEAA0AgACALSQRAAkAgAC0AACIFQYAIai0AACIBRQRAIABBAWohAAwDCyABQQFGBH9BAQUCfyAFQcIBRgRAIABBAWogC0kEQEECIAAtAAEiAUGgAUYgAUGFAUZyDQIaC0EADAELQQAgAEECaiALTw0AGiAALQABIQQgAC0AAiEBIAVB4gFGBEBBA0EAIAFBqAFGIAFBgAFrQQpNciABQakBRnIgAUGvAUZyGyAEQYABRg0BGkEDQQAgAUGfAUYgBEGBAUZxGwwBC0EDQQAgAUGAAUYiASAEQZoBRnEbIAVB4QFGDQAaQQNBACABIARBgAFGcRsLCw0AIABBAWohAAwCCwsLQQAhBiAAIAMiAWsiDEF8cSABaiEFA0AgAUEIaiIEIAVNBEAgBiABKQMAIg2nQdHa+OR8bEEPd0GT65zcAWxzQQ13QQVsQZyprs0BayANQiCIp0HR2vjkfGxBD3dBk+uc3AFsc0ENd0EFbEGcqa7NAWshBiAEIQEMAQsLIAEgBUkEQCAGIAEoAgBB0dr45HxsQQ93QZPrnNwBbHNBDXdBBWxBnKmuzQFrIQYgAUEEaiEBC0EAIQUCQAJAAkACQCAMQQNxQQFrDgMCAQADCyABLQACQRB0IQULIAUgAS0AAUEIdHMhBQsgBiAFIAEtAABzQdHa+OR8bEEPd0GT65zcAWxzIQYLIAYgDHMiASABQRB2c0HrlK+veGwiASABQQ12c0G13MqVfGwiASABQRB2cyEHIAMpAwAhDSAMQQhJBEAgDUIBIAytQgOGhkIBfYMhDQsgB0Gx893xeWwjB3YhAQN/An8jBiABQQV0aiIGKAIERQRAIwsiBiMKRgRAEAMLIwYgAUEFdGoiBSAHNgIAIAUgBkEBaiIENgIEIAUgDDYCCCAFIAM2AgwgBSANNwMQIwkgBkECdGoiAyABNgIAIAQkC0EBJAwjCEEBaiMLQQF0SQR/EAIjBiADKAIAQQV0agUgBQsMAQsgBigCACAHRgR/IAYoAgggDEYFQQALBH8gBikDECANUQVBAAsEfyAMQQhNBH9BAQUgBigCDEEIaiEJIANBCGohCCAMQQhrIQpBACEFAn8DQCAFQQhqIgQgCk0EQEEAIAUgCWopAwAgBSAIaikDAFINAhogBCEFDAELCyAFIApJBEBBACAFIAlqKQMAIAUgCGopAwCFQn9CCCAKIAVrrX1CA4aIg0IAUg0BGgtBAQsLBUEACwR/QQAkDCAGBSMIIAFBAWpxIQEMAgsLCyIBIwwEfEQAAAAAAADwPwUgASsDGEQAAAAAAADwP6ALOQMYDAELCyACEAQLiwIBA38gAkUEQEEDJARCACQFAAsgBUEAIAJBAWpBAnT8CwADQCABIAZLBEAgBkECdCIIIABqKAIAIQcgAyAIaiACIAJBAWtxBH8gByACcAUgByACQQFrcQsiBzYCACAFIAdBAWpBAnRqIgcgBygCAEEBajYCACAGQQFqIQYMAQsLQQAhAANAIAAgAkkEQCAFIABBAWoiAEECdGoiBiAGKAIAIAZBBGsoAgBqNgIADAELCyACQQJ0IgAQACICIAUgAPwKAABBACEAA0AgACABSQRAIAIgAyAAQQJ0aigCAEECdGoiBSgCACEGIAUgBkEBajYCACAEIAZBAnRqIAA2AgAgAEEBaiEADAELCwunAgIDfwF+IAAgAUF8cWohBQNAIABBCGoiAyAFTQRAIAIgACkDACIGp0HR2vjkfGxBD3dBk+uc3AFsc0ENd0EFbEGcqa7NAWsgBkIgiKdB0dr45HxsQQ93QZPrnNwBbHNBDXdBBWxBnKmuzQFrIQIgAyEADAELCyAAIAVJBEAgAiAAKAIAQdHa+OR8bEEPd0GT65zcAWxzQQ13QQVsQZyprs0BayECIABBBGohAAsCQAJAAkACQCABQQNxQQFrDgMCAQADCyAALQACQRB0IQQLIAQgAC0AAUEIdHMhBAsgAiAEIAAtAABzQdHa+OR8bEEPd0GT65zcAWxzIQILIAEgAnMiACAAQRB2c0HrlK+veGwiACAAQQ12c0G13MqVfGwiACAAQRB2cwvTAQMCfwF+AXwDQCABIANLBEAgACADQQN0aiIEKQMAIQUgAiADQQJ0agJ+QoCAgICAgID8/wAgBCsDACIGIAZiDQAaQgAgBkQAAAAAAAAAAGENABogBQsiBadB0dr45HxsQQ93QZPrnNwBbEENd0EFbEGcqa7NAWsgBUIgiKdB0dr45HxsQQ93QZPrnNwBbHNBDXdBBWxBnKmuzQFrQQhzIgQgBEEQdnNB65Svr3hsIgQgBEENdnNBtdzKlXxsIgQgBEEQdnM2AgAgA0EBaiEDDAELCwsgAEKAgICAECAA/AcgAEQAAAAAAADwQWYbQoCAfIMkAwsjACMARQRAQYAKJABBgAokAUGACiQCCyMAJAFBACQEQgAkBQsFACMDugsEACMECwUAIwW6CwwAIAAgASAC/AoAAAseAQF/IwEjAEUEQEGACiQAQYAKJAFBgAokAgsjAGsLGQAjAEUEQEGACiQAQYAKJAFBgAokAgsjAgv5BAMNfwF+AnwgBUUgBEEDS3IEQEEDJARCACQFAAsgACABIAMgA0ECdBAAIhAQBUGAgAQgAyADQYCABE8bEAEgASgCACEGA0AgAyAJSwRAIBAgCUECdGooAgAhEiAAIAZqIg0pAwAhEyABIAlBAWpBAnRqKAIAIgcgBmsiCkEISQRAIBNCASAKrUIDhoZCAX2DIRMLIBJBsfPd8XlsIwd2IQsDfwJ/IwYgC0EFdGoiESgCBEUEQCMLIgYjCkYEQBADCyMGIAtBBXRqIgggEjYCACAIIAZBAWoiDDYCBCAIIAo2AgggCCANNgIMIAggEzcDECMJIAZBAnRqIgYgCzYCACAMJAtBASQMIwhBAWojC0EBdEkEfxACIwYgBigCAEEFdGoFIAgLDAELIBEoAgAgEkYEfyARKAIIIApGBUEACwR/IBEpAxAgE1EFQQALBH8gCkEITQR/QQEFIBEoAgxBCGohDiANQQhqIQ8gCkEIayEMQQAhBgJ/A0AgBkEIaiIIIAxNBEBBACAGIA5qKQMAIAYgD2opAwBSDQIaIAghBgwBCwsgBiAMSQRAQQAgBiAOaikDACAGIA9qKQMAhUJ/QgggDCAGa619QgOGiINCAFINARoLQQELCwVBAAsEf0EAJAwgEQUjCCALQQFqcSELDAILCwshBiAEQQNGBEAgBiMMBHxEAAAAAAAA8D8FIAYrAxhEAAAAAAAA8D+gCzkDGAUgAiAJQQN0aisDACEUIwwEQCAGIBQ5AxgFIAYrAxghFSAGIARBAUYEfCAUIBWkBSAUIBWlIBUgFKAgBEECRhsLOQMYCwsgByEGIAlBAWohCQwBCwsgBRAEC6IEAwV/AnwBfiAERSADQQNLcgRAQQMkBEIAJAUAC0GAgAQgAiACQYCABE8bEAEDQCACIAhLBEAgACAIQQN0aiIFKQMAIQwCfkKAgICAgICA/P8AIAUrAwAiCiAKYg0AGkIAIApEAAAAAAAAAABhDQAaIAwLIgynQdHa+OR8bEEPd0GT65zcAWxBDXdBBWxBnKmuzQFrIAxCIIinQdHa+OR8bEEPd0GT65zcAWxzQQ13QQVsQZyprs0Ba0EIcyIFIAVBEHZzQeuUr694bCIFIAVBDXZzQbXcypV8bCIFIAVBEHZzIgdBsfPd8XlsIwd2IQkDQAJAIwYgCUEFdGoiBSgCBEUEQCMLIgYjCkYEQBADCyMGIAlBBXRqIgUgBzYCACAFIAZBAWoiBzYCBCAFQQg2AgggBUEANgIMIAUgDDcDECMJIAZBAnRqIgYgCTYCACAHJAtBASQMIwhBAWojC0EBdEkEQBACIwYgBigCAEEFdGohBQsMAQsgBSgCACAHRgR/IAUpAxAgDFEFQQALBEBBACQMBSMIIAlBAWpxIQkMAgsLCyADQQNGBEAgBSMMBHxEAAAAAAAA8D8FIAUrAxhEAAAAAAAA8D+gCzkDGAUgASAIQQN0aisDACELIwwEQCAFIAs5AxgFIAUrAxghCiAFIANBAUYEfCAKIAukBSAKIAulIAogC6AgA0ECRhsLOQMYCwsgCEEBaiEIDAELCyAEEAcLqAUDEn8BfgJ8IAJBA0sEQEEDJARCACQFAAsgAkEAIAJBA0cbIQpBACECA0AgASADSwRAIAIgACADQRRsaigCACIEIAIgBEsbIQIgA0EBaiEDDAELCyACEAEDQCABIAhLBEAgACAIQRRsaiICKAIAIQ4gAigCBCEPIAIoAgwhECACKAIQIREgAigCCCISKAIAIQJBACEFA0AgBSAOSQRAIBAgBUECdGooAgAhFCACIA9qIgspAwAhFSASIAVBAWpBAnRqKAIAIgMgAmsiBkEISQRAIBVCASAGrUIDhoZCAX2DIRULIBRBsfPd8XlsIwd2IQcDfwJ/IwYgB0EFdGoiEygCBEUEQCMLIgIjCkYEQBADCyMGIAdBBXRqIgQgFDYCACAEIAJBAWoiCTYCBCAEIAY2AgggBCALNgIMIAQgFTcDECMJIAJBAnRqIgIgBzYCACAJJAtBASQMIwhBAWojC0EBdEkEfxACIwYgAigCAEEFdGoFIAQLDAELIBMoAgAgFEYEfyATKAIIIAZGBUEACwR/IBMpAxAgFVEFQQALBH8gBkEITQR/QQEFIBMoAgxBCGohDCALQQhqIQ0gBkEIayEJQQAhAgJ/A0AgAkEIaiIEIAlNBEBBACACIAxqKQMAIAIgDWopAwBSDQIaIAQhAgwBCwsgAiAJSQRAQQAgAiAMaikDACACIA1qKQMAhUJ/QgggCSACa619QgOGiINCAFINARoLQQELCwVBAAsEf0EAJAwgEwUjCCAHQQFqcSEHDAILCwshAiARIAVBA3RqKwMAIRYjDARAIAIgFjkDGAUgAisDGCEXIAIgCkEBRgR8IBYgF6QFIBYgF6UgFyAWoCAKQQJGGws5AxgLIAMhAiAFQQFqIQUMAQsLIAhBAWohCAwBCwtBARAEC/kDAwp/AnwBfiACQQNLBEBBAyQEQgAkBQALIAJBACACQQNHGyEGA0AgASAESwRAIAMgACAEQQR0aigCACICIAIgA0kbIQMgBEEBaiEEDAELCyADEAEDQCABIAVLBEAgACAFQQR0aiICKAIAIQcgAigCBCEIIAIoAgghCSACKAIMIQpBACEDA0AgAyAHSQRAIAkgA0ECdGooAgAhCyAIIANBA3RqIgIpAwAhDwJ+QoCAgICAgID8/wAgAisDACINIA1iDQAaQgAgDUQAAAAAAAAAAGENABogDwshDyALQbHz3fF5bCMHdiEEA0ACQCMGIARBBXRqIgIoAgRFBEAjCyIMIwpGBEAQAwsjBiAEQQV0aiICIAs2AgAgAiAMQQFqIgs2AgQgAkEINgIIIAJBADYCDCACIA83AxAjCSAMQQJ0aiIMIAQ2AgAgCyQLQQEkDCMIQQFqIwtBAXRJBEAQAiMGIAwoAgBBBXRqIQILDAELIAIoAgAgC0YEfyACKQMQIA9RBUEACwRAQQAkDAUjCCAEQQFqcSEEDAILCwsgCiADQQN0aisDACENIwwEQCACIA05AxgFIAIrAxghDiACIAZBAUYEfCANIA6kBSANIA6lIA4gDaAgBkECRhsLOQMYCyADQQFqIQMMAQsLIAVBAWohBQwBCwtBARAHCwsjBABBiQgLBQEBAQEBAEGgCAsBAQBBwgkLAQIAQeEJCwMCAgI=";
    kernelsWasmByteLength = 8594;
  }
});

// node_modules/comlink/dist/umd/comlink.js
var require_comlink = __commonJS({
  "node_modules/comlink/dist/umd/comlink.js"(exports, module) {
    (function(global, factory) {
      typeof exports === "object" && typeof module !== "undefined" ? factory(exports) : typeof define === "function" && define.amd ? define(["exports"], factory) : (global = typeof globalThis !== "undefined" ? globalThis : global || self, factory(global.Comlink = {}));
    })(exports, (function(exports2) {
      "use strict";
      const proxyMarker = /* @__PURE__ */ Symbol("Comlink.proxy");
      const createEndpoint = /* @__PURE__ */ Symbol("Comlink.endpoint");
      const releaseProxy = /* @__PURE__ */ Symbol("Comlink.releaseProxy");
      const finalizer = /* @__PURE__ */ Symbol("Comlink.finalizer");
      const throwMarker = /* @__PURE__ */ Symbol("Comlink.thrown");
      const isObject = (val) => typeof val === "object" && val !== null || typeof val === "function";
      const proxyTransferHandler = {
        canHandle: (val) => isObject(val) && val[proxyMarker],
        serialize(obj) {
          const { port1, port2 } = new MessageChannel();
          expose(obj, port1);
          return [port2, [port2]];
        },
        deserialize(port) {
          port.start();
          return wrap2(port);
        }
      };
      const throwTransferHandler = {
        canHandle: (value) => isObject(value) && throwMarker in value,
        serialize({ value }) {
          let serialized;
          if (value instanceof Error) {
            serialized = {
              isError: true,
              value: {
                message: value.message,
                name: value.name,
                stack: value.stack
              }
            };
          } else {
            serialized = { isError: false, value };
          }
          return [serialized, []];
        },
        deserialize(serialized) {
          if (serialized.isError) {
            throw Object.assign(new Error(serialized.value.message), serialized.value);
          }
          throw serialized.value;
        }
      };
      const transferHandlers = /* @__PURE__ */ new Map([
        ["proxy", proxyTransferHandler],
        ["throw", throwTransferHandler]
      ]);
      function isAllowedOrigin(allowedOrigins, origin) {
        for (const allowedOrigin of allowedOrigins) {
          if (origin === allowedOrigin || allowedOrigin === "*") {
            return true;
          }
          if (allowedOrigin instanceof RegExp && allowedOrigin.test(origin)) {
            return true;
          }
        }
        return false;
      }
      function expose(obj, ep = globalThis, allowedOrigins = ["*"]) {
        ep.addEventListener("message", function callback(ev) {
          if (!ev || !ev.data) {
            return;
          }
          if (!isAllowedOrigin(allowedOrigins, ev.origin)) {
            console.warn(`Invalid origin '${ev.origin}' for comlink proxy`);
            return;
          }
          const { id, type, path } = Object.assign({ path: [] }, ev.data);
          const argumentList = (ev.data.argumentList || []).map(fromWireValue);
          let returnValue;
          try {
            const parent = path.slice(0, -1).reduce((obj2, prop) => obj2[prop], obj);
            const rawValue = path.reduce((obj2, prop) => obj2[prop], obj);
            switch (type) {
              case "GET":
                {
                  returnValue = rawValue;
                }
                break;
              case "SET":
                {
                  parent[path.slice(-1)[0]] = fromWireValue(ev.data.value);
                  returnValue = true;
                }
                break;
              case "APPLY":
                {
                  returnValue = rawValue.apply(parent, argumentList);
                }
                break;
              case "CONSTRUCT":
                {
                  const value = new rawValue(...argumentList);
                  returnValue = proxy(value);
                }
                break;
              case "ENDPOINT":
                {
                  const { port1, port2 } = new MessageChannel();
                  expose(obj, port2);
                  returnValue = transfer3(port1, [port1]);
                }
                break;
              case "RELEASE":
                {
                  returnValue = void 0;
                }
                break;
              default:
                return;
            }
          } catch (value) {
            returnValue = { value, [throwMarker]: 0 };
          }
          Promise.resolve(returnValue).catch((value) => {
            return { value, [throwMarker]: 0 };
          }).then((returnValue2) => {
            const [wireValue, transferables] = toWireValue(returnValue2);
            ep.postMessage(Object.assign(Object.assign({}, wireValue), { id }), transferables);
            if (type === "RELEASE") {
              ep.removeEventListener("message", callback);
              closeEndPoint(ep);
              if (finalizer in obj && typeof obj[finalizer] === "function") {
                obj[finalizer]();
              }
            }
          }).catch((error) => {
            const [wireValue, transferables] = toWireValue({
              value: new TypeError("Unserializable return value"),
              [throwMarker]: 0
            });
            ep.postMessage(Object.assign(Object.assign({}, wireValue), { id }), transferables);
          });
        });
        if (ep.start) {
          ep.start();
        }
      }
      function isMessagePort(endpoint) {
        return endpoint.constructor.name === "MessagePort";
      }
      function closeEndPoint(endpoint) {
        if (isMessagePort(endpoint))
          endpoint.close();
      }
      function wrap2(ep, target) {
        const pendingListeners = /* @__PURE__ */ new Map();
        ep.addEventListener("message", function handleMessage(ev) {
          const { data } = ev;
          if (!data || !data.id) {
            return;
          }
          const resolver = pendingListeners.get(data.id);
          if (!resolver) {
            return;
          }
          try {
            resolver(data);
          } finally {
            pendingListeners.delete(data.id);
          }
        });
        return createProxy(ep, pendingListeners, [], target);
      }
      function throwIfProxyReleased(isReleased) {
        if (isReleased) {
          throw new Error("Proxy has been released and is not useable");
        }
      }
      function releaseEndpoint(ep) {
        return requestResponseMessage(ep, /* @__PURE__ */ new Map(), {
          type: "RELEASE"
        }).then(() => {
          closeEndPoint(ep);
        });
      }
      const proxyCounter = /* @__PURE__ */ new WeakMap();
      const proxyFinalizers = "FinalizationRegistry" in globalThis && new FinalizationRegistry((ep) => {
        const newCount = (proxyCounter.get(ep) || 0) - 1;
        proxyCounter.set(ep, newCount);
        if (newCount === 0) {
          releaseEndpoint(ep);
        }
      });
      function registerProxy(proxy2, ep) {
        const newCount = (proxyCounter.get(ep) || 0) + 1;
        proxyCounter.set(ep, newCount);
        if (proxyFinalizers) {
          proxyFinalizers.register(proxy2, ep, proxy2);
        }
      }
      function unregisterProxy(proxy2) {
        if (proxyFinalizers) {
          proxyFinalizers.unregister(proxy2);
        }
      }
      function createProxy(ep, pendingListeners, path = [], target = function() {
      }) {
        let isProxyReleased = false;
        const proxy2 = new Proxy(target, {
          get(_target, prop) {
            throwIfProxyReleased(isProxyReleased);
            if (prop === releaseProxy) {
              return () => {
                unregisterProxy(proxy2);
                releaseEndpoint(ep);
                pendingListeners.clear();
                isProxyReleased = true;
              };
            }
            if (prop === "then") {
              if (path.length === 0) {
                return { then: () => proxy2 };
              }
              const r = requestResponseMessage(ep, pendingListeners, {
                type: "GET",
                path: path.map((p) => p.toString())
              }).then(fromWireValue);
              return r.then.bind(r);
            }
            return createProxy(ep, pendingListeners, [...path, prop]);
          },
          set(_target, prop, rawValue) {
            throwIfProxyReleased(isProxyReleased);
            const [value, transferables] = toWireValue(rawValue);
            return requestResponseMessage(ep, pendingListeners, {
              type: "SET",
              path: [...path, prop].map((p) => p.toString()),
              value
            }, transferables).then(fromWireValue);
          },
          apply(_target, _thisArg, rawArgumentList) {
            throwIfProxyReleased(isProxyReleased);
            const last = path[path.length - 1];
            if (last === createEndpoint) {
              return requestResponseMessage(ep, pendingListeners, {
                type: "ENDPOINT"
              }).then(fromWireValue);
            }
            if (last === "bind") {
              return createProxy(ep, pendingListeners, path.slice(0, -1));
            }
            const [argumentList, transferables] = processArguments(rawArgumentList);
            return requestResponseMessage(ep, pendingListeners, {
              type: "APPLY",
              path: path.map((p) => p.toString()),
              argumentList
            }, transferables).then(fromWireValue);
          },
          construct(_target, rawArgumentList) {
            throwIfProxyReleased(isProxyReleased);
            const [argumentList, transferables] = processArguments(rawArgumentList);
            return requestResponseMessage(ep, pendingListeners, {
              type: "CONSTRUCT",
              path: path.map((p) => p.toString()),
              argumentList
            }, transferables).then(fromWireValue);
          }
        });
        registerProxy(proxy2, ep);
        return proxy2;
      }
      function myFlat(arr) {
        return Array.prototype.concat.apply([], arr);
      }
      function processArguments(argumentList) {
        const processed = argumentList.map(toWireValue);
        return [processed.map((v) => v[0]), myFlat(processed.map((v) => v[1]))];
      }
      const transferCache = /* @__PURE__ */ new WeakMap();
      function transfer3(obj, transfers) {
        transferCache.set(obj, transfers);
        return obj;
      }
      function proxy(obj) {
        return Object.assign(obj, { [proxyMarker]: true });
      }
      function windowEndpoint(w, context = globalThis, targetOrigin = "*") {
        return {
          postMessage: (msg, transferables) => w.postMessage(msg, targetOrigin, transferables),
          addEventListener: context.addEventListener.bind(context),
          removeEventListener: context.removeEventListener.bind(context)
        };
      }
      function toWireValue(value) {
        for (const [name, handler] of transferHandlers) {
          if (handler.canHandle(value)) {
            const [serializedValue, transferables] = handler.serialize(value);
            return [
              {
                type: "HANDLER",
                name,
                value: serializedValue
              },
              transferables
            ];
          }
        }
        return [
          {
            type: "RAW",
            value
          },
          transferCache.get(value) || []
        ];
      }
      function fromWireValue(value) {
        switch (value.type) {
          case "HANDLER":
            return transferHandlers.get(value.name).deserialize(value.value);
          case "RAW":
            return value.value;
        }
      }
      function requestResponseMessage(ep, pendingListeners, msg, transfers) {
        return new Promise((resolve) => {
          const id = generateUUID();
          pendingListeners.set(id, resolve);
          if (ep.start) {
            ep.start();
          }
          ep.postMessage(Object.assign({ id }, msg), transfers);
        });
      }
      function generateUUID() {
        return new Array(4).fill(0).map(() => Math.floor(Math.random() * Number.MAX_SAFE_INTEGER).toString(16)).join("-");
      }
      exports2.createEndpoint = createEndpoint;
      exports2.expose = expose;
      exports2.finalizer = finalizer;
      exports2.proxy = proxy;
      exports2.proxyMarker = proxyMarker;
      exports2.releaseProxy = releaseProxy;
      exports2.transfer = transfer3;
      exports2.transferHandlers = transferHandlers;
      exports2.windowEndpoint = windowEndpoint;
      exports2.wrap = wrap2;
    }));
  }
});

// .exp/soak.ts
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// src/platform/node.ts
import { mkdir, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { Readable } from "node:stream";
import { availableParallelism, cpus } from "node:os";
import { dirname } from "node:path";

// node_modules/comlink/dist/esm/node-adapter.mjs
function nodeEndpoint(nep) {
  const listeners = /* @__PURE__ */ new WeakMap();
  return {
    postMessage: nep.postMessage.bind(nep),
    addEventListener: (_, eh) => {
      const l = (data) => {
        if ("handleEvent" in eh) {
          eh.handleEvent({ data });
        } else {
          eh({ data });
        }
      };
      nep.on("message", l);
      listeners.set(eh, l);
    },
    removeEventListener: (_, eh) => {
      const l = listeners.get(eh);
      if (!l) {
        return;
      }
      nep.off("message", l);
      listeners.delete(eh);
    },
    start: nep.start && nep.start.bind(nep)
  };
}

// src/engine/workers/node/spawn.ts
import { Worker } from "node:worker_threads";
function defaultNodeWorkerUrl() {
  const here = import.meta.url;
  return new URL(here.endsWith(".ts") ? "../../../../dist/node/kernel-worker.js" : "./kernel-worker.js", here);
}
function nodeSpawner(options = {}) {
  const given = options.url ?? defaultNodeWorkerUrl();
  const url = typeof given === "string" && given.startsWith("file:") ? new URL(given) : given;
  const execArgv = options.execArgv ? [...options.execArgv] : process.execArgv.some((arg) => arg.startsWith("--input-type")) ? [] : void 0;
  return () => {
    const worker = new Worker(url, { name: "rivulet-kernels", resourceLimits: options.resourceLimits, execArgv });
    let crash;
    let exited = false;
    const listeners = [];
    const gone = new Promise((resolve) => {
      worker.once("exit", (code) => {
        exited = true;
        const error = crash ?? new Error(`kernel worker exited with code ${code}`);
        for (const listener of listeners.splice(0)) listener(error);
        resolve();
      });
    });
    worker.on("error", (error) => {
      crash ??= error instanceof Error ? error : new Error(String(error));
    });
    return {
      endpoint: nodeEndpoint(worker),
      onDeath(listener) {
        listeners.push(listener);
      },
      async terminate() {
        if (!exited) await worker.terminate();
        await gone;
      },
      setBusy(busy) {
        if (busy) worker.ref();
        else worker.unref();
      }
    };
  };
}

// src/platform/node-directory.ts
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// src/core/errors.ts
var RivuletError = class extends Error {
  code;
  constructor(code, message2, options) {
    super(message2, options);
    this.name = "RivuletError";
    this.code = code;
  }
};

// src/platform/node-directory.ts
function nodeDirectory(path) {
  const root = toPath(path);
  return {
    async list() {
      const dirents = await readdir(root, { withFileTypes: true });
      const entries2 = await Promise.all(
        dirents.filter((d) => d.isFile() || d.isSymbolicLink()).map(async (d) => {
          try {
            const s = await stat(join(root, d.name), { bigint: true });
            return s.isFile() ? { name: d.name, modifiedTime: toMilliseconds(s.mtimeNs), size: Number(s.size) } : void 0;
          } catch (error) {
            if (error.code === "ENOENT") return void 0;
            throw error;
          }
        })
      );
      return entries2.filter((e) => e !== void 0);
    },
    async read(name) {
      if (name.length === 0 || name === "." || name === ".." || /[\\/\0]/.test(name)) {
        throw new RivuletError("INVALID_ARGUMENT", `${JSON.stringify(name)} is not the name of a file in ${root}`);
      }
      const bytes2 = await readFile(join(root, name));
      return new Uint8Array(bytes2.buffer, bytes2.byteOffset, bytes2.byteLength);
    }
  };
}
function toMilliseconds(nanoseconds) {
  return Number((nanoseconds + 500000n) / 1000000n);
}
function toPath(path) {
  if (typeof path === "string") {
    if (path.length === 0) throw new RivuletError("INVALID_ARGUMENT", "textFileStream: the directory path is empty");
    return path;
  }
  if (path.protocol !== "file:") {
    throw new RivuletError("INVALID_ARGUMENT", `textFileStream: ${path.href} is not a file: URL; pass a Directory to read from elsewhere`);
  }
  return fileURLToPath(path);
}

// src/platform/node.ts
function defaultFileSink() {
  return {
    async writeText(path, text) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text, "utf8");
    }
  };
}
function defaultSpawner(url) {
  return nodeSpawner({ url });
}
function hardwareConcurrency() {
  return typeof availableParallelism === "function" ? availableParallelism() : cpus().length;
}
function onShutdown(handler) {
  const signals = ["SIGTERM", "SIGINT"];
  const remove = () => {
    for (const signal of signals) process.off(signal, listener);
  };
  const listener = (signal) => {
    remove();
    void handler().catch(() => void 0).finally(() => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  for (const signal of signals) process.on(signal, listener);
  return remove;
}
function tcpConnect(hostname, port) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port });
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(Readable.toWeb(socket));
    });
  });
}

// src/core/accumulator.ts
var Accumulator = class {
  /** @internal Its index among the context's accumulators, the same in every thread. */
  id;
  name;
  #sum = 0;
  #count = 0;
  /** @internal Made by `StreamingContext.accumulator`. */
  constructor(id, name) {
    this.id = id;
    this.name = name;
  }
  /** Adds `v` (a finite number, or ±Infinity or NaN, which the sum then is). */
  add(v) {
    if (typeof v !== "number") throw new RivuletError("INVALID_ARGUMENT", `accumulator ${this.label()}: add() takes a number, got ${typeof v}`);
    this.#sum += v;
    this.#count++;
  }
  /** The sum of every value added: Spark's `value`. */
  get value() {
    return this.#sum;
  }
  get sum() {
    return this.#sum;
  }
  /** How many values were added. */
  get count() {
    return this.#count;
  }
  /** The mean of the values added; NaN before the first, as in Spark. */
  get avg() {
    return this.#sum / this.#count;
  }
  /** True while nothing was added since the start or the last `reset()`. */
  get isZero() {
    return this.#count === 0 && Object.is(this.#sum, 0);
  }
  /** Back to zero. */
  reset() {
    this.#sum = 0;
    this.#count = 0;
  }
  /** @internal Adds what a task elsewhere added. */
  merge(sum3, count) {
    this.#sum += sum3;
    this.#count += count;
  }
  toString() {
    return `Accumulator(id: ${this.id}, name: ${this.name ?? "(none)"}, value: ${this.#sum})`;
  }
  label() {
    return this.name === void 0 ? `#${this.id}` : JSON.stringify(this.name);
  }
};
function applyUpdates(accumulators, updates) {
  for (const [id, sum3, count] of updates) accumulators[id]?.merge(sum3, count);
}

// src/core/keys.ts
var KeyMap = class {
  plain = /* @__PURE__ */ new Map();
  composite;
  get size() {
    return this.plain.size + (this.composite?.size ?? 0);
  }
  get(key) {
    if (!Array.isArray(key)) return this.plain.get(key);
    return this.composite?.get(canonicalKey(key))?.[1];
  }
  has(key) {
    if (!Array.isArray(key)) return this.plain.has(key);
    return this.composite?.has(canonicalKey(key)) ?? false;
  }
  set(key, value) {
    if (!Array.isArray(key)) {
      this.plain.set(key, value);
      return;
    }
    const id = canonicalKey(key);
    this.composite ??= /* @__PURE__ */ new Map();
    const entry = this.composite.get(id);
    if (entry) entry[1] = value;
    else this.composite.set(id, [key, value]);
  }
  delete(key) {
    if (!Array.isArray(key)) return this.plain.delete(key);
    return this.composite?.delete(canonicalKey(key)) ?? false;
  }
  /** Calls `fn` for every entry, plain keys in insertion order, then composite keys. */
  forEach(fn) {
    this.plain.forEach(fn);
    this.composite?.forEach((entry) => fn(entry[1], entry[0]));
  }
};
function canonicalKey(key) {
  switch (typeof key) {
    case "string":
      return JSON.stringify(key);
    case "number":
      return key !== key ? "NaN" : key === 0 ? "0" : String(key);
    case "bigint":
      return `${key}n`;
    case "boolean":
    case "undefined":
      return String(key);
    case "object":
      if (key === null) return "null";
      if (Array.isArray(key)) {
        let s = "[";
        for (let i = 0; i < key.length; i++) s += i === 0 ? canonicalKey(key[i]) : "," + canonicalKey(key[i]);
        return s + "]";
      }
      return `#${objectId(key)}`;
    case "symbol": {
      const registered = Symbol.keyFor(key);
      return registered === void 0 ? `#${symbolId(key)}` : `$${JSON.stringify(registered)}`;
    }
    default:
      return `#${objectId(key)}`;
  }
}
var ids = /* @__PURE__ */ new WeakMap();
var nextId = 1;
function objectId(o) {
  let id = ids.get(o);
  if (id === void 0) ids.set(o, id = nextId++);
  return id;
}
var symbolIds = symbolsAsWeakKeys() ? /* @__PURE__ */ new WeakMap() : /* @__PURE__ */ new Map();
function symbolsAsWeakKeys() {
  try {
    (/* @__PURE__ */ new WeakMap()).set(/* @__PURE__ */ Symbol(), 0);
    return true;
  } catch {
    return false;
  }
}
function symbolId(s) {
  let id = symbolIds.get(s);
  if (id === void 0) symbolIds.set(s, id = nextId++);
  return id;
}
function keyEquals(key) {
  if (Array.isArray(key)) {
    const id = canonicalKey(key);
    return (k) => Array.isArray(k) && canonicalKey(k) === id;
  }
  if (key !== key) return (k) => k !== k;
  return (k) => k === key;
}

// src/core/order.ts
function naturalOrder(a, b) {
  const ta = typeof a;
  if (ta === typeof b) {
    if (ta === "number") {
      if (a < b) return -1;
      if (a > b) return 1;
      const nanA = a !== a;
      return nanA === (b !== b) ? 0 : nanA ? 1 : -1;
    }
    if (ta === "string" || ta === "bigint" || ta === "boolean") return a < b ? -1 : a > b ? 1 : 0;
    if (Array.isArray(a) && Array.isArray(b)) {
      const n = Math.min(a.length, b.length);
      for (let i = 0; i < n; i++) {
        const c = naturalOrder(a[i], b[i]);
        if (c !== 0) return c;
      }
      return a.length - b.length;
    }
  }
  return rank(a) - rank(b);
}
function rank(x) {
  switch (typeof x) {
    case "number":
      return 0;
    case "bigint":
      return 1;
    case "string":
      return 2;
    case "boolean":
      return 3;
    default:
      return Array.isArray(x) ? 4 : 5;
  }
}
function smallest(parts, n, compare) {
  let total = 0;
  for (const p of parts) total += p.length;
  if (n === 0 || total === 0) return [];
  if (n * 8 >= total) {
    const all = [].concat(...parts);
    return all.sort(compare).slice(0, n);
  }
  const recs = [];
  const pos = [];
  const worse = (i, j) => {
    const c = compare(recs[i], recs[j]);
    return c > 0 || c === 0 && pos[i] > pos[j];
  };
  const swap = (i, j) => {
    const r = recs[i];
    recs[i] = recs[j];
    recs[j] = r;
    const q = pos[i];
    pos[i] = pos[j];
    pos[j] = q;
  };
  const siftDown = (i) => {
    for (; ; ) {
      const l = 2 * i + 1;
      if (l >= recs.length) return;
      const r = l + 1;
      const child = r < recs.length && worse(r, l) ? r : l;
      if (!worse(child, i)) return;
      swap(child, i);
      i = child;
    }
  };
  let at = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++, at++) {
      const x = p[i];
      if (recs.length < n) {
        recs.push(x);
        pos.push(at);
        for (let c = recs.length - 1; c > 0; ) {
          const parent = c - 1 >> 1;
          if (!worse(c, parent)) break;
          swap(c, parent);
          c = parent;
        }
      } else if (compare(x, recs[0]) < 0) {
        recs[0] = x;
        pos[0] = at;
        siftDown(0);
      }
    }
  }
  const order = recs.map((_, i) => i);
  order.sort((i, j) => compare(recs[i], recs[j]) || pos[i] - pos[j]);
  return order.map((i) => recs[i]);
}

// src/core/hash.ts
var C1 = 3432918353;
var C2 = 461845907;
function mixK(k) {
  k = Math.imul(k, C1);
  k = k << 15 | k >>> 17;
  return Math.imul(k, C2);
}
function mixH(h, k) {
  h ^= mixK(k);
  h = h << 13 | h >>> 19;
  return Math.imul(h, 5) + 3864292196 | 0;
}
function finish(h, length) {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 2246822507);
  h ^= h >>> 13;
  h = Math.imul(h, 3266489909);
  h ^= h >>> 16;
  return h >>> 0;
}
function murmur3Bytes(bytes2, seed = 0, start = 0, end = bytes2.length) {
  let h = seed | 0;
  let i = start;
  const blocksEnd = start + (end - start & ~3);
  for (; i < blocksEnd; i += 4) {
    const k = bytes2[i] | bytes2[i + 1] << 8 | bytes2[i + 2] << 16 | bytes2[i + 3] << 24;
    h = mixH(h, k);
  }
  const rest = end - i;
  if (rest > 0) {
    let k = bytes2[i];
    if (rest > 1) k |= bytes2[i + 1] << 8;
    if (rest > 2) k |= bytes2[i + 2] << 16;
    h ^= mixK(k);
  }
  return finish(h, end - start);
}
function murmur3String(s, seed = 0) {
  let h = seed | 0;
  let block = 0;
  let filled = 0;
  let length = 0;
  const n = s.length;
  const put = (b) => {
    block |= b << (filled << 3);
    filled++;
    if (filled === 4) {
      h = mixH(h, block);
      block = 0;
      filled = 0;
    }
  };
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 128) {
      put(c);
      length += 1;
      continue;
    }
    if (c < 2048) {
      put(192 | c >> 6);
      put(128 | c & 63);
      length += 2;
      continue;
    }
    if (c >= 55296 && c <= 57343) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 56319 && next >= 56320 && next <= 57343) {
        c = 65536 + (c - 55296 << 10) + (next - 56320);
        i++;
        put(240 | c >> 18);
        put(128 | c >> 12 & 63);
        put(128 | c >> 6 & 63);
        put(128 | c & 63);
        length += 4;
        continue;
      }
      c = 65533;
    }
    put(224 | c >> 12);
    put(128 | c >> 6 & 63);
    put(128 | c & 63);
    length += 3;
  }
  if (filled > 0) h ^= mixK(block);
  return finish(h, length);
}
var numberView = new DataView(new ArrayBuffer(8));
var numberBytes = new Uint8Array(numberView.buffer);
function canonicalNumberBytes(x) {
  if (x === 0) x = 0;
  if (Number.isNaN(x)) numberView.setUint32(0, 0), numberView.setUint32(4, 2146959360, true);
  else numberView.setFloat64(0, x, true);
  return numberBytes;
}
var TAG_BOOLEAN = 254;
var TAG_BIGINT = 253;
var tagged = new Uint8Array(2);
function hashKey(key) {
  switch (typeof key) {
    case "string":
      return murmur3String(key);
    case "number":
      return murmur3Bytes(canonicalNumberBytes(key));
    case "boolean":
      tagged[0] = TAG_BOOLEAN;
      tagged[1] = key ? 1 : 0;
      return murmur3Bytes(tagged);
    case "bigint": {
      const digits = key.toString();
      const bytes2 = new Uint8Array(digits.length + 1);
      bytes2[0] = TAG_BIGINT;
      for (let i = 0; i < digits.length; i++) bytes2[i + 1] = digits.charCodeAt(i);
      return murmur3Bytes(bytes2);
    }
    default:
      return murmur3String(String(key));
  }
}

// src/core/partitioner.ts
var HashPartitioner = class {
  numPartitions;
  constructor(numPartitions) {
    checkPartitions(numPartitions);
    this.numPartitions = numPartitions;
  }
  getPartition(key) {
    if (this.numPartitions === 1) return 0;
    const h = typeof key === "object" && key !== null ? murmur3String(canonicalKey(key)) : hashKey(key);
    return h % this.numPartitions;
  }
};
function checkPartitions(n) {
  if (!Number.isInteger(n) || n < 1) {
    throw new RivuletError("INVALID_ARGUMENT", `number of partitions must be a positive integer, got ${n}`);
  }
}

// src/core/stat-counter.ts
var StatCounter = class _StatCounter {
  n = 0;
  mu = 0;
  m2 = 0;
  largest = Number.NEGATIVE_INFINITY;
  smallest = Number.POSITIVE_INFINITY;
  /** A counter of `values` (none by default). */
  constructor(values = []) {
    this.merge(values);
  }
  /**
   * Adds a number, every number of an iterable, or everything another counter has counted.
   * @returns This counter.
   */
  merge(value) {
    if (typeof value === "number") this.add(value);
    else if (value instanceof _StatCounter) this.mergeCounter(value === this ? value.copy() : value);
    else for (const x of value) this.add(x);
    return this;
  }
  /** A counter with the same state, changed independently of this one. */
  copy() {
    const other = new _StatCounter();
    other.n = this.n;
    other.mu = this.mu;
    other.m2 = this.m2;
    other.largest = this.largest;
    other.smallest = this.smallest;
    return other;
  }
  /** How many numbers were counted. */
  get count() {
    return this.n;
  }
  /** Their mean; 0 when there are none. */
  get mean() {
    return this.mu;
  }
  /** Their sum, as Spark's: `count * mean`. */
  get sum() {
    return this.n * this.mu;
  }
  /** The largest; -Infinity when there are none, NaN once a NaN was counted (as Java's `Math.max`). */
  get max() {
    return this.largest;
  }
  /** The smallest; Infinity when there are none, NaN once a NaN was counted. */
  get min() {
    return this.smallest;
  }
  /** The population variance (divided by `count`); NaN when there are none. */
  get variance() {
    return this.popVariance;
  }
  /** The population variance, as `variance`. */
  get popVariance() {
    return this.n === 0 ? Number.NaN : this.m2 / this.n;
  }
  /** The sample variance (divided by `count - 1`, unbiased); NaN for fewer than two numbers. */
  get sampleVariance() {
    return this.n <= 1 ? Number.NaN : this.m2 / (this.n - 1);
  }
  /** The population standard deviation. */
  get stdev() {
    return Math.sqrt(this.variance);
  }
  /** The population standard deviation, as `stdev`. */
  get popStdev() {
    return Math.sqrt(this.popVariance);
  }
  /** The sample standard deviation; NaN for fewer than two numbers. */
  get sampleStdev() {
    return Math.sqrt(this.sampleVariance);
  }
  /** Spark's form: `(count: 3, mean: 2.000000, stdev: 0.816497, max: 3.000000, min: 1.000000)`. */
  toString() {
    const f = (x) => x.toFixed(6);
    return `(count: ${this.n}, mean: ${f(this.mean)}, stdev: ${f(this.stdev)}, max: ${f(this.max)}, min: ${f(this.min)})`;
  }
  add(x) {
    const delta = x - this.mu;
    this.n += 1;
    this.mu += delta / this.n;
    this.m2 += delta * (x - this.mu);
    this.largest = Math.max(this.largest, x);
    this.smallest = Math.min(this.smallest, x);
  }
  mergeCounter(other) {
    if (other.n === 0) return;
    if (this.n === 0) {
      this.n = other.n;
      this.mu = other.mu;
      this.m2 = other.m2;
      this.largest = other.largest;
      this.smallest = other.smallest;
      return;
    }
    const n = this.n + other.n;
    const delta = other.mu - this.mu;
    if (other.n * 10 < this.n) this.mu += delta * other.n / n;
    else if (this.n * 10 < other.n) this.mu = other.mu - delta * this.n / n;
    else this.mu = (this.mu * this.n + other.mu * other.n) / n;
    this.m2 += other.m2 + delta * delta * this.n * other.n / n;
    this.largest = Math.max(this.largest, other.largest);
    this.smallest = Math.min(this.smallest, other.smallest);
    this.n = n;
  }
};

// src/core/batch-actions.ts
async function first(batch) {
  const head = await batch.take(1);
  if (head.length === 0) throw empty("first");
  return head[0];
}
var TAKE_SCALE_UP = 4;
async function take(batch, n) {
  checkCount(n);
  const out = [];
  const total = batch.numPartitions;
  let scanned = 0;
  while (out.length < n && scanned < total) {
    const left = n - out.length;
    let tries = 1;
    if (scanned > 0) {
      tries = out.length === 0 ? scanned * TAKE_SCALE_UP : Math.min(Math.ceil(1.5 * left * scanned / out.length), scanned * TAKE_SCALE_UP);
    }
    const indices = [];
    for (let i = scanned; i < Math.min(scanned + tries, total); i++) indices.push(i);
    for (const p of await batch.partitionsAt(indices, left)) {
      for (let i = 0; i < p.length && out.length < n; i++) out.push(p[i]);
    }
    scanned += indices.length;
  }
  return out;
}
async function reduce(batch, fn) {
  let acc;
  let seen2 = false;
  for (const p of await batch.partitions()) {
    if (p.length === 0) continue;
    let r = p[0];
    for (let i = 1; i < p.length; i++) r = fn(r, p[i]);
    acc = seen2 ? fn(acc, r) : r;
    seen2 = true;
  }
  if (!seen2) throw empty("reduce", " (fold takes a zero value and accepts one)");
  return acc;
}
async function aggregate(batch, zero, seqOp, combOp) {
  let acc = zero;
  for (const p of await batch.partitions()) {
    let r = zero;
    for (let i = 0; i < p.length; i++) r = seqOp(r, p[i]);
    acc = combOp(acc, r);
  }
  return acc;
}
async function takeOrdered(batch, n, compare = naturalOrder) {
  checkCount(n);
  return smallest(await batch.partitions(), n, compare);
}
function checkCount(n) {
  if (!Number.isInteger(n) || n < 0) throw new RivuletError("INVALID_ARGUMENT", `the number of records to take must be a non-negative integer, got ${n}`);
}
function top(batch, n, compare = naturalOrder) {
  return takeOrdered(batch, n, (a, b) => compare(b, a));
}
async function min(batch, compare = naturalOrder) {
  return best(batch, compare, "min");
}
async function max(batch, compare = naturalOrder) {
  return best(batch, (a, b) => compare(b, a), "max");
}
async function best(batch, compare, action) {
  let acc;
  let seen2 = false;
  for (const p of await batch.partitions()) {
    for (let i = 0; i < p.length; i++) {
      if (!seen2 || compare(p[i], acc) < 0) acc = p[i];
      seen2 = true;
    }
  }
  if (!seen2) throw empty(action);
  return acc;
}
async function sum(batch) {
  return sumOf(await batch.partitions())[0];
}
async function mean(batch) {
  const parts = await batch.partitions();
  const [s, n] = sumOf(parts);
  if (n === 0) return 0;
  if (Number.isFinite(s)) return s / n;
  return runningMean(parts) ?? s / n;
}
async function stats(batch) {
  const total = new StatCounter();
  for (const p of await batch.partitions()) total.merge(new StatCounter(p));
  return total;
}
function sumOf(parts) {
  let total = 0;
  let n = 0;
  for (const p of parts) {
    let s = 0;
    for (let i = 0; i < p.length; i++) s += p[i];
    total += s;
    n += p.length;
  }
  return [total, n];
}
function runningMean(parts) {
  let mu = 0;
  let n = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of parts) {
    let pMu = 0;
    let pN = 0;
    for (let i = 0; i < p.length; i++) {
      const x = p[i];
      if (!Number.isFinite(x)) return void 0;
      pMu = mergeMeans(pMu, pN, x, 1);
      pN++;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    mu = mergeMeans(mu, n, pMu, pN);
    n += pN;
  }
  return Math.min(Math.max(mu, lo), hi);
}
function mergeMeans(muA, nA, muB, nB) {
  if (nB === 0) return muA;
  if (nA === 0) return muB;
  const n = nA + nB;
  return muA * (nA / n) + muB * (nB / n);
}
function countByKey(batch) {
  return countBy(batch, (pair) => pair[0]);
}
function countByValue(batch) {
  return countBy(batch, (record) => record);
}
async function countBy(batch, keyOf) {
  const counts = keyedEntries();
  for (const p of await batch.partitions()) {
    for (let i = 0; i < p.length; i++) {
      const entry = counts.entry(keyOf(p[i]));
      entry[1] = (entry[1] ?? 0) + 1;
    }
  }
  return counts.toMap();
}
async function reduceByKeyLocally(batch, fn) {
  const out = keyedEntries();
  for (const p of await batch.partitions()) {
    const local = keyedEntries();
    for (let i = 0; i < p.length; i++) local.fold(p[i][0], p[i][1], fn);
    for (const [k, v] of local.entries) out.fold(k, v, fn);
  }
  return out.toMap();
}
async function collectAsMap(batch) {
  const out = keyedEntries();
  for (const p of await batch.partitions()) {
    for (let i = 0; i < p.length; i++) out.entry(p[i][0])[1] = p[i][1];
  }
  return out.toMap();
}
async function lookup(batch, key) {
  const parts = batch.hashPartitioned ? batch.numPartitions === 0 ? [] : await batch.partitionsAt([new HashPartitioner(batch.numPartitions).getPartition(key)]) : await batch.partitions();
  const matches = keyEquals(key);
  const out = [];
  for (const p of parts) for (let i = 0; i < p.length; i++) if (matches(p[i][0])) out.push(p[i][1]);
  return out;
}
async function foreach(batch, fn) {
  for (const p of await batch.partitions()) for (let i = 0; i < p.length; i++) fn(p[i]);
}
async function foreachPartition(batch, fn) {
  const parts = await batch.partitions();
  for (let i = 0; i < parts.length; i++) await fn(parts[i], i);
}
function empty(action, hint = "") {
  return new RivuletError("ILLEGAL_STATE", `${action}() of an empty batch${hint}`);
}
function keyedEntries() {
  const index = new KeyMap();
  const entries2 = [];
  const entry = (key) => {
    let e = index.get(key);
    if (e === void 0) {
      e = [key, void 0];
      index.set(key, e);
      entries2.push(e);
    }
    return e;
  };
  return {
    entry,
    fold(key, value, fn) {
      const before = entries2.length;
      const e = entry(key);
      e[1] = entries2.length > before ? value : fn(e[1], value);
    },
    entries: entries2,
    toMap: () => new Map(entries2)
  };
}

// src/core/batch-by-key.ts
function aggregateByKey(batch, zero, seqOp, combOp, numPartitions) {
  const fresh = zeroCopies(zero, "aggregateByKey");
  return batch.combineByKey((v) => seqOp(fresh(), v), seqOp, combOp, numPartitions);
}
function foldByKey(batch, zero, fn, numPartitions) {
  const fresh = zeroCopies(zero, "foldByKey");
  return batch.combineByKey((v) => fn(fresh(), v), fn, fn, numPartitions);
}
function groupBy(batch, f, numPartitions) {
  return batch.keyBy(f).groupByKey(numPartitions);
}
function zeroCopies(zero, operator) {
  if (zero === null || typeof zero !== "object" && typeof zero !== "function") return () => zero;
  let snapshot;
  try {
    snapshot = structuredClone(zero);
  } catch (cause) {
    throw new RivuletError("INVALID_ARGUMENT", `${operator}: the zero value cannot be copied per key with structuredClone (${describe(cause)})`, { cause });
  }
  if (Object.getPrototypeOf(snapshot) !== Object.getPrototypeOf(zero)) {
    throw new RivuletError(
      "INVALID_ARGUMENT",
      `${operator}: the zero value is a ${className(zero)}, which structuredClone copies as a plain object; use a plain object, an array, a Map or a Set`
    );
  }
  return () => structuredClone(snapshot);
}
function className(value) {
  const proto = Object.getPrototypeOf(value);
  const ctor = proto === null ? void 0 : proto.constructor;
  return typeof ctor === "function" && ctor.name ? ctor.name : "object without a prototype";
}
function describe(error) {
  return error instanceof Error ? error.message : String(error);
}

// src/core/batch-joins.ts
function perKey(cogrouped2, f) {
  const out = cogrouped2.flatMap(([k, grouped]) => f(k, grouped));
  out.hashPartitioned = cogrouped2.hashPartitioned;
  return out;
}
function join2(batch, other, numPartitions) {
  return perKey(batch.cogroup(other, numPartitions), (k, [vs, ws]) => {
    const out = [];
    for (const v of vs) for (const w of ws) out.push([k, [v, w]]);
    return out;
  });
}
function leftOuterJoin(batch, other, numPartitions) {
  return perKey(batch.cogroup(other, numPartitions), (k, [vs, ws]) => {
    const out = [];
    for (const v of vs) {
      if (ws.length === 0) out.push([k, [v, void 0]]);
      else for (const w of ws) out.push([k, [v, w]]);
    }
    return out;
  });
}
function rightOuterJoin(batch, other, numPartitions) {
  return perKey(batch.cogroup(other, numPartitions), (k, [vs, ws]) => {
    const out = [];
    for (const w of ws) {
      if (vs.length === 0) out.push([k, [void 0, w]]);
      else for (const v of vs) out.push([k, [v, w]]);
    }
    return out;
  });
}
function fullOuterJoin(batch, other, numPartitions) {
  return perKey(batch.cogroup(other, numPartitions), (k, [vs, ws]) => {
    const out = [];
    if (vs.length === 0) for (const w of ws) out.push([k, [void 0, w]]);
    else if (ws.length === 0) for (const v of vs) out.push([k, [v, void 0]]);
    else for (const v of vs) for (const w of ws) out.push([k, [v, w]]);
    return out;
  });
}

// src/core/batch-layout.ts
function coalesce(batch, numPartitions, shuffle2) {
  if (shuffle2) return batch.repartition(numPartitions);
  checkPartitions(numPartitions);
  const n = Math.min(numPartitions, batch.numPartitions);
  const out = batch.derive(n, async () => {
    const parts = await batch.partitions();
    if (n === parts.length) return parts;
    const merged = [];
    for (let i = 0; i < n; i++) {
      const from = Math.floor(i * parts.length / n);
      const to = Math.floor((i + 1) * parts.length / n);
      merged.push([].concat(...parts.slice(from, to)));
    }
    return merged;
  });
  out.hashPartitioned = batch.hashPartitioned && n === batch.numPartitions;
  return out;
}
function zipWithIndex(batch) {
  return batch.derive(batch.numPartitions, async () => {
    let offset = 0;
    return (await batch.partitions()).map((p) => {
      const out = new Array(p.length);
      for (let i = 0; i < p.length; i++) out[i] = [p[i], offset + i];
      offset += p.length;
      return out;
    });
  });
}
function zipWithUniqueId(batch) {
  const n = batch.numPartitions;
  return batch.mapPartitions((records, p) => {
    const out = new Array(records.length);
    for (let k = 0; k < records.length; k++) out[k] = [records[k], k * n + p];
    return out;
  });
}
function zip(batch, other) {
  if (batch.numPartitions !== other.numPartitions) {
    throw new RivuletError("INVALID_ARGUMENT", `can't zip batches with unequal numbers of partitions: ${batch.numPartitions}, ${other.numPartitions}`);
  }
  if (batch.numPartitions === 0) return batch.mapPartitions(() => []);
  return batch.derive(batch.numPartitions, async () => {
    const [as, bs] = await Promise.all([batch.partitions(), other.partitions()]);
    return as.map((a, p) => {
      const b = bs[p];
      if (a.length !== b.length) {
        throw new RivuletError(
          "INVALID_ARGUMENT",
          `can only zip batches with the same number of records in each partition: partition ${p} has ${a.length} and ${b.length}`
        );
      }
      const out = new Array(a.length);
      for (let i = 0; i < a.length; i++) out[i] = [a[i], b[i]];
      return out;
    });
  });
}

// src/core/batch-partitioning.ts
function defaultPartitions(batches2) {
  let largest = 0;
  let partitioned = 0;
  for (const b of batches2) {
    largest = Math.max(largest, b.numPartitions);
    if (b.hashPartitioned && b.numPartitions > partitioned) partitioned = b.numPartitions;
  }
  if (partitioned > 0 && Math.log10(largest) - Math.log10(partitioned) < 1) return partitioned;
  return Math.max(1, largest);
}
function partitionBy(batch, numPartitions) {
  checkPartitions(numPartitions);
  if (batch.hashPartitioned && batch.numPartitions === numPartitions) return batch;
  const partitioner = new HashPartitioner(numPartitions);
  const out = batch.derive(numPartitions, async () => {
    const parts = Array.from({ length: numPartitions }, () => []);
    for (const feed of await batch.feeds()) feed((record) => void parts[partitioner.getPartition(record[0])].push(record));
    return parts;
  });
  out.cache().hashPartitioned = true;
  return out;
}
function combineInPlace(batch, aggregator) {
  const { createCombiner, mergeValue } = aggregator;
  const out = batch.derive(batch.numPartitions, async () => {
    const parts = [];
    for (const feed of await batch.feeds()) {
      const combined = new KeyMap();
      feed((r) => {
        const box = combined.get(r[0]);
        if (box === void 0) combined.set(r[0], { c: createCombiner(r[1]) });
        else box.c = mergeValue(box.c, r[1]);
      });
      const records = [];
      combined.forEach((box, k) => records.push([k, box.c]));
      parts.push(records);
    }
    return parts;
  });
  out.cache().hashPartitioned = true;
  return out;
}

// src/core/sample.ts
var MAX_ARRAY_LENGTH = 2 ** 32 - 1;
var ROUNDING_EPSILON = 1e-6;
function sample(batch, withReplacement, fraction, seed) {
  if (!(fraction >= 0) || !Number.isFinite(fraction)) {
    throw new RivuletError("INVALID_ARGUMENT", `the sampling fraction must be a finite number >= 0, got ${fraction}`);
  }
  if (fraction > MAX_ARRAY_LENGTH) {
    throw new RivuletError("INVALID_ARGUMENT", `the sampling fraction must be at most ${MAX_ARRAY_LENGTH} (the copies of one record must fit in a partition), got ${fraction}`);
  }
  if (!withReplacement && fraction > 1 + ROUNDING_EPSILON) {
    throw new RivuletError("INVALID_ARGUMENT", `without replacement the sampling fraction must be in [0, 1], got ${fraction}`);
  }
  return batch.mapPartitions((records, index) => {
    if (fraction === 0) return [];
    if (!withReplacement && fraction >= 1) return records;
    const random = seededRandom(seed, index);
    return withReplacement ? poissonSample(records, fraction, random) : bernoulliSample(records, fraction, random);
  }, true);
}
function seededRandom(seed, stream) {
  return generator(murmur3Bytes(canonicalNumberBytes(seed), stream));
}
function randomSeed() {
  return Math.floor(Math.random() * 2 ** 32);
}
function bernoulliSample(records, fraction, random) {
  const out = [];
  for (let i = 0; i < records.length; i++) if (random() < fraction) out.push(records[i]);
  return out;
}
function poissonSample(records, mean3, random) {
  const out = [];
  for (let i = 0; i < records.length; i++) {
    for (let k = poisson(mean3, random); k > 0; k--) out.push(records[i]);
  }
  return out;
}
function poisson(mean3, random) {
  return mean3 <= 16 ? knuthPoisson(mean3, random) : ptrsPoisson(mean3, random);
}
function knuthPoisson(mean3, random) {
  const limit = Math.exp(-mean3);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}
function ptrsPoisson(mean3, random) {
  const slam = Math.sqrt(mean3);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const logInvAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (; ; ) {
    const u = random() - 0.5;
    const v = random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor((2 * a / us + b) * u + mean3 + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || us < 0.013 && v > us) continue;
    if (Math.log(v) + logInvAlpha - Math.log(a / (us * us) + b) <= logPoissonPmf(k, mean3)) return k;
  }
}
function logPoissonPmf(k, mean3) {
  if (k === 0) return -mean3;
  return -stirlingError(k) - bd0(k, mean3) - 0.5 * Math.log(2 * Math.PI * k);
}
function bd0(x, m) {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    const v = (x - m) / (x + m);
    let s = (x - m) * v;
    let ej = 2 * x * v;
    const v2 = v * v;
    for (let j = 1; j < 1e3; j++) {
      ej *= v2;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}
var HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
function stirlingError(n) {
  if (n > 15) {
    const nn = n * n;
    const S0 = 1 / 12;
    const S1 = 1 / 360;
    const S2 = 1 / 1260;
    const S3 = 1 / 1680;
    const S4 = 1 / 1188;
    if (n > 500) return (S0 - S1 / nn) / n;
    if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n;
    if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
    return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
  }
  let logFactorial = 0;
  for (let i = 2; i <= n; i++) logFactorial += Math.log(i);
  return logFactorial - (n + 0.5) * Math.log(n) + n - HALF_LOG_2PI;
}
function generator(state) {
  const next = () => {
    state = state + 1831565813 | 0;
    let t = Math.imul(state ^ state >>> 15, 1 | state);
    t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t;
    return (t ^ t >>> 14) >>> 0;
  };
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
}

// src/core/batch-sampling.ts
async function takeSample(batch, withReplacement, num, seed) {
  checkCount(num);
  if (num === 0) return [];
  const parts = await batch.partitions();
  let total = 0;
  for (const p of parts) total += p.length;
  if (total === 0) return [];
  const random = seededRandom(seed, 0);
  if (!withReplacement && num >= total) return shuffleInPlace([].concat(...parts), random);
  const fraction = fractionForSampleSize(num, total, withReplacement);
  const computed = batch.derive(parts.length, () => Promise.resolve(parts));
  const draw = () => sample(computed, withReplacement, fraction, Math.floor(random() * 2 ** 32)).collect();
  let samples = await draw();
  while (samples.length < num) samples = await draw();
  return shuffleInPlace(samples, random).slice(0, num);
}
function randomSplit(batch, weights, seed) {
  const shown = `[${weights.join(",")}]`;
  if (weights.some((w) => !(w >= 0) || !Number.isFinite(w))) {
    throw new RivuletError("INVALID_ARGUMENT", `randomSplit: weights must be finite and nonnegative, but got ${shown}`);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RivuletError("INVALID_ARGUMENT", `randomSplit: the sum of weights must be positive, but got ${shown}`);
  const bounds = [0];
  for (const w of weights) bounds.push(bounds[bounds.length - 1] + w / total);
  bounds[bounds.length - 1] = 1;
  return weights.map((_, i) => {
    const lower = bounds[i];
    const upper = bounds[i + 1];
    return batch.mapPartitions((records, index) => {
      if (upper <= lower) return [];
      const random = seededRandom(seed, index);
      const out = [];
      for (let j = 0; j < records.length; j++) {
        const x = random();
        if (x >= lower && x < upper) out.push(records[j]);
      }
      return out;
    }, true);
  });
}
function fractionForSampleSize(num, total, withReplacement) {
  if (withReplacement) {
    const sds = num < 6 ? 12 : num < 16 ? 9 : 6;
    return Math.max(num + sds * Math.sqrt(num), 1e-10) / total;
  }
  const fraction = num / total;
  const gamma = -Math.log(1e-4) / total;
  return Math.min(1, Math.max(1e-10, fraction + gamma + Math.sqrt(gamma * gamma + 2 * gamma * fraction)));
}
function shuffleInPlace(records, random) {
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = records[i];
    records[i] = records[j];
    records[j] = t;
  }
  return records;
}

// src/core/batch-sets.ts
var keepFirst = (a) => a;
var selfKeyed = (x) => [x, x];
var nullValued = (x) => [x, null];
function distinct(batch, numPartitions) {
  if (batch.hashPartitioned && batch.numPartitions === numPartitions) {
    return batch.mapPartitions((records) => {
      const seen2 = new KeyMap();
      const out = [];
      for (let i = 0; i < records.length; i++) {
        const r = records[i];
        if (seen2.get(r) === void 0) {
          seen2.set(r, true);
          out.push(r);
        }
      }
      return out;
    }, true);
  }
  return batch.map(selfKeyed).reduceByKey(keepFirst, numPartitions).values();
}
function subtractByKey(batch, other, numPartitions) {
  return batch.cogroup(other, numPartitions).mapPartitions((groups) => {
    const out = [];
    for (let g = 0; g < groups.length; g++) {
      const [k, [vs, ws]] = groups[g];
      if (ws.length === 0) for (let i = 0; i < vs.length; i++) out.push([k, vs[i]]);
    }
    return out;
  }, true);
}
function subtract(batch, other, numPartitions) {
  return subtractByKey(batch.map(selfKeyed), other.map(nullValued), numPartitions).values();
}
function intersection(batch, other, numPartitions) {
  return batch.map(selfKeyed).cogroup(other.map(nullValued), numPartitions).mapPartitions((groups) => {
    const out = [];
    for (let g = 0; g < groups.length; g++) {
      const [vs, ws] = groups[g][1];
      if (vs.length > 0 && ws.length > 0) out.push(vs[0]);
    }
    return out;
  });
}
function cartesian(batch, other) {
  return batch.derive(batch.numPartitions * other.numPartitions, async () => {
    const [as, bs] = await Promise.all([batch.partitions(), other.partitions()]);
    const out = [];
    for (const a of as) {
      for (const b of bs) {
        const part = [];
        for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) part.push([a[i], b[j]]);
        out.push(part);
      }
    }
    return out;
  });
}

// src/core/pipeline.ts
var MAP = 0;
var FILTER = 1;
var FLAT_MAP = 2;
var PARTITION = 3;
function stage(op, next) {
  switch (op.kind) {
    case MAP: {
      const f = op.f;
      return (x) => next(f(x));
    }
    case FILTER: {
      const f = op.f;
      return (x) => {
        if (f(x)) next(x);
      };
    }
    case FLAT_MAP: {
      const f = op.f;
      return (x) => {
        const ys = f(x);
        if (Array.isArray(ys)) {
          for (let i = 0; i < ys.length; i++) next(ys[i]);
        } else {
          for (const y of ys) next(y);
        }
      };
    }
  }
}
function arrayFeed(records) {
  const feed = (sink) => {
    for (let i = 0; i < records.length; i++) sink(records[i]);
  };
  return Object.assign(feed, { records });
}
function pipelineFeed(input, ops, index) {
  const last = lastPartitionOp(ops);
  if (last >= 0) {
    input = runPipeline(input, ops.slice(0, last + 1), index);
    ops = ops.slice(last + 1);
  }
  if (ops.length === 0) return arrayFeed(input);
  const recordOps = ops;
  return (sink) => {
    let chain = sink;
    for (let i = recordOps.length - 1; i >= 0; i--) chain = stage(recordOps[i], chain);
    for (let i = 0; i < input.length; i++) chain(input[i]);
  };
}
function lastPartitionOp(ops) {
  for (let i = ops.length - 1; i >= 0; i--) if (ops[i].kind === PARTITION) return i;
  return -1;
}
function runPipeline(input, ops, index) {
  const first2 = ops.findIndex((op) => op.kind === PARTITION);
  if (first2 >= 0) {
    const before = first2 === 0 ? input : runPipeline(input, ops.slice(0, first2), index);
    const op = ops[first2];
    const produced = op.f(before, index);
    const records = Array.isArray(produced) ? produced : Array.from(produced);
    return first2 === ops.length - 1 ? records : runPipeline(records, ops.slice(first2 + 1), index);
  }
  const n = input.length;
  if (ops.length === 0) return input.slice();
  if (ops.length === 1 && ops[0].kind === MAP) {
    const f = ops[0].f;
    const out2 = new Array(n);
    for (let i = 0; i < n; i++) out2[i] = f(input[i]);
    return out2;
  }
  const out = [];
  pipelineFeed(input, ops, index)((x) => {
    out.push(x);
  });
  return out;
}
var ENOUGH = /* @__PURE__ */ Symbol("enough");
function takePipeline(input, ops, index, limit) {
  if (limit <= 0) return [];
  const last = lastPartitionOp(ops);
  let source = input;
  if (last >= 0) {
    const before = last === 0 ? input : runPipeline(input, ops.slice(0, last), index);
    const op = ops[last];
    source = op.f(before, index);
  }
  const recordOps = ops.slice(last + 1);
  const out = [];
  let chain = (x) => {
    out.push(x);
    if (out.length >= limit) throw ENOUGH;
  };
  for (let i = recordOps.length - 1; i >= 0; i--) chain = stage(recordOps[i], chain);
  try {
    if (Array.isArray(source)) {
      for (let i = 0; i < source.length; i++) chain(source[i]);
    } else {
      for (const x of source) chain(x);
    }
  } catch (e) {
    if (e !== ENOUGH) throw e;
  }
  return out;
}

// src/core/reducers.ts
function tagged2(fn, tag) {
  return Object.defineProperty(fn, "reducerTag", { value: tag, enumerable: false });
}
var sum2 = tagged2((a, b) => a + b, "sum");
var min2 = tagged2((a, b) => Math.min(a, b), "min");
var max2 = tagged2((a, b) => Math.max(a, b), "max");
function reducerTagOf(fn) {
  if (typeof fn !== "function") return void 0;
  const tag = fn.reducerTag;
  return tag === "sum" || tag === "min" || tag === "max" ? tag : void 0;
}

// src/core/pair-with-one.ts
var IDENT = String.raw`[A-Za-z_$][\w$]*`;
var ARROW = new RegExp(String.raw`^(?:(${IDENT})|\(\s*(${IDENT})\s*\))\s*=>\s*\[\s*(${IDENT})\s*,\s*1\s*\]$`);
var FUNCTION = new RegExp(String.raw`^function\s*(?:${IDENT})?\s*\(\s*(${IDENT})\s*\)\s*\{\s*return\s*\[\s*(${IDENT})\s*,\s*1\s*\]\s*;?\s*\}$`);
function pairWithOne(record) {
  return [record, 1];
}
var seen = /* @__PURE__ */ new WeakMap();
function isPairWithOne(fn) {
  if (typeof fn !== "function") return false;
  if (fn === pairWithOne) return true;
  let known = seen.get(fn);
  if (known === void 0) {
    known = recognise(sourceOf(fn));
    seen.set(fn, known);
  }
  return known;
}
function sourceOf(fn) {
  try {
    return Function.prototype.toString.call(fn);
  } catch {
    return "";
  }
}
function recognise(source) {
  const arrow = ARROW.exec(source);
  if (arrow) return (arrow[1] ?? arrow[2]) === arrow[3];
  const fn = FUNCTION.exec(source);
  return fn !== null && fn[1] === fn[2];
}

// src/core/words.ts
var WHITE_SPACE_RUN = /[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
var WORDS_TAG = "words";
function splitWords(line) {
  if (line.length === 0) return [];
  const tokens = line.split(WHITE_SPACE_RUN);
  if (tokens[tokens.length - 1] === "") tokens.pop();
  if (tokens.length > 0 && tokens[0] === "") tokens.shift();
  return tokens;
}
var words = Object.defineProperty(splitWords, "tokenizerTag", {
  value: WORDS_TAG,
  enumerable: false
});
function isWordsTokenizer(fn) {
  return typeof fn === "function" && fn.tokenizerTag === WORDS_TAG;
}

// src/core/batch.ts
var NO_SOURCE = () => Promise.reject(new Error("a narrow batch computes through its parent"));
var Batch = class _Batch {
  /** How many partitions the records are cut into. */
  numPartitions;
  /**
   * Set when the records are hash-partitioned by key into `numPartitions` partitions (the output
   * of a shuffle, and what keeps keys in place after it): a cogroup with such a batch reads its
   * partitions in place instead of hashing every record again (Spark's partitioner-aware cogroup).
   */
  hashPartitioned = false;
  /**
   * Set on a text input batch whose records are exactly the lines of these UTF-8 bytes (valid,
   * nothing dropped): a fused kernel may read the bytes instead of the lines.
   */
  utf8Lines;
  /**
   * @internal `utf8Lines` again, as separate buffers cut at line ends (kept where workers get
   * batches by transfer): handed over whole, once, instead of copied.
   */
  utf8Segments;
  /**
   * @internal The stream and time this batch is the batch of (set by the stream that made it
   * first): how a worker holding the same graph makes the same batch.
   */
  origin;
  /** @internal Set on the output of a shuffle: its input and how it is combined (Spark's ShuffleDependency). */
  shuffleDependency;
  executor;
  /** Where a root batch's records come from; unused while the batch has a parent. */
  source;
  /** A narrow batch: its parent and the operator applied to it, fused at computation time. */
  parent;
  op;
  keep;
  memo;
  releaseHooks;
  constructor(executor, numPartitions, source, keep, parent, op) {
    this.executor = executor;
    this.numPartitions = numPartitions;
    this.source = source;
    this.parent = parent;
    this.op = op;
    this.keep = keep;
  }
  /** A batch over records already cut into partitions (inputs, static data sets). */
  static fromPartitions(partitions, executor) {
    const ready = Promise.resolve(partitions);
    return new _Batch(executor, partitions.length, () => ready, false);
  }
  /** A batch over `records` cut into `numPartitions` contiguous slices (Spark's `makeRDD`). */
  static fromRecords(records, numPartitions, executor) {
    return _Batch.fromPartitions(slice(records, numPartitions), executor);
  }
  /** A batch whose partitions come from `compute`, run at most once. */
  static deferred(numPartitions, executor, compute) {
    return new _Batch(executor, numPartitions, compute, true);
  }
  /**
   * @internal The engine's parallelism (Spark's `sc.defaultParallelism`). A batch's own shuffles
   * default to its inputs' partitions instead; the DStream operators pass this, Spark's default
   * for streams.
   */
  get engineParallelism() {
    return this.executor.parallelism;
  }
  // ---- actions -------------------------------------------------------------------------------
  /** @internal Runs `hook` once the stream that made this batch forgets it (see `release`). */
  onRelease(hook) {
    (this.releaseHooks ??= []).push(hook);
  }
  /**
   * @internal Called by the stream that made this batch when it forgets it: what the batch holds
   * only for its own jobs (an input's bytes) goes back to its source, as Spark drops a batch's
   * received blocks once the batch is no longer remembered.
   */
  release() {
    const hooks = this.releaseHooks;
    if (!hooks) return;
    this.releaseHooks = void 0;
    this.utf8Lines = void 0;
    this.utf8Segments = void 0;
    for (const hook of hooks) hook();
  }
  /** The records of each partition. */
  partitions() {
    if (this.memo) return this.memo;
    const { source, ops } = this.plan();
    const computed = this.compute(source, ops);
    if (this.keep) {
      this.memo = computed;
      computed.then(
        () => {
          this.source = () => computed;
          this.parent = void 0;
          this.op = void 0;
        },
        () => {
          if (this.memo === computed) this.memo = void 0;
        }
      );
    }
    return computed;
  }
  /** Every record, partition after partition. */
  async collect() {
    const parts = await this.partitions();
    return parts.length === 1 ? parts[0].slice() : [].concat(...parts);
  }
  /** The number of records. */
  async count() {
    let n = 0;
    for (const p of await this.partitions()) n += p.length;
    return n;
  }
  /** True when the batch has no record. */
  async isEmpty() {
    return this.numPartitions === 0 || (await this.take(1)).length === 0;
  }
  /**
   * The first `n` records, in partition order, as Spark's `take`: partitions are scanned a few at
   * a time (one, then more as Spark's scale-up decides) and each only as far as the records
   * still wanted, so the operators of a large batch run on little of it.
   * @param n How many; a non-negative integer (`INVALID_ARGUMENT` otherwise, as `top`).
   */
  take(n) {
    return take(this, n);
  }
  /**
   * @internal The first `limit` records of each of the partitions `indices`: the batch's narrow
   * operators run on those partitions only (and stop after `limit` records each), as a Spark job
   * over some partitions of an RDD. A batch that keeps its records computes them all once.
   */
  async partitionsAt(indices, limit = Infinity) {
    if (this.memo || this.keep || !this.parent) {
      const parts2 = await this.partitions();
      return indices.map((i) => parts2[i].length > limit ? parts2[i].slice(0, limit) : parts2[i]);
    }
    const { source, ops } = this.plan();
    const parts = await source();
    return indices.map((i) => takePipeline(parts[i], ops, i, limit));
  }
  /** Keeps the computed records for later actions (Spark's `cache`); returns this batch. */
  cache() {
    this.keep = true;
    return this;
  }
  /** Spark's `persist()`: `cache()`. Records live in memory only, so there is no storage level to choose. */
  persist() {
    return this.cache();
  }
  /**
   * The first record, as Spark's `first`.
   * @returns The first record in partition order.
   * @throws RivuletError `ILLEGAL_STATE` when the batch is empty.
   */
  first() {
    return first(this);
  }
  /**
   * The records reduced with `fn`, as Spark's `reduce`: each partition in order, then the
   * partitions' results in partition order.
   * @param fn Associative and commutative (partitions may be reduced in any grouping).
   * @throws RivuletError `ILLEGAL_STATE` when the batch is empty (`fold` takes a zero value).
   */
  reduce(fn) {
    return reduce(this, fn);
  }
  /**
   * The records folded with `op`, as Spark's `fold`: each partition from `zero`, then the
   * partitions' results from `zero` again, so `zero` counts once per partition plus once.
   * @param zero The neutral value of `op` (0 for a sum). Shared by every partition: Spark hands
   *   each task its own copy, here it is one value, so `op` must not mutate it (return a new
   *   value instead of changing its first argument, or pass an immutable zero).
   * @param op Associative; combines records within a partition and results across partitions.
   * @returns `zero` for an empty batch.
   */
  fold(zero, op) {
    return aggregate(this, zero, op, op);
  }
  /**
   * The records aggregated into a value of another type, as Spark's `aggregate`: each partition
   * folded with `seqOp` from `zero`, then the partitions' results merged with `combOp` from
   * `zero`, in partition order.
   * @param zero The neutral value. Shared by every partition (Spark hands each task its own
   *   copy; here it is one value), so neither function may mutate it: both may receive `zero`
   *   itself as their first argument, so a mutable accumulator is copied before it is changed.
   * @param seqOp Adds a record to a partition's accumulator.
   * @param combOp Merges two accumulators.
   * @returns `zero` for an empty batch.
   */
  aggregate(zero, seqOp, combOp) {
    return aggregate(this, zero, seqOp, combOp);
  }
  top(n, compare) {
    return top(this, n, compare);
  }
  takeOrdered(n, compare) {
    return takeOrdered(this, n, compare);
  }
  min(compare) {
    return min(this, compare);
  }
  max(compare) {
    return max(this, compare);
  }
  /**
   * The sum of a batch of numbers, as Spark's `sum`: per partition, then across partitions.
   * @returns 0 for an empty batch.
   */
  sum() {
    return sum(this);
  }
  /**
   * The mean of a batch of numbers, as Spark's `mean`: `sum() / count()`, so integer input is
   * exact, or Spark's running mean when that sum overflows while every record is finite (the mean
   * of `[Number.MAX_VALUE, Number.MAX_VALUE]` is `Number.MAX_VALUE`).
   * @returns 0 for an empty batch, as Spark's `StatCounter` (its variance would be NaN).
   */
  mean() {
    return mean(this);
  }
  /**
   * The count, mean, variance, largest and smallest of a batch of numbers in one pass, as Spark's
   * `stats()`: a `StatCounter` per partition (Welford's update), merged in partition order with
   * the pairwise formula, so the variance does not cancel when the mean dwarfs the spread.
   * @returns For an empty batch: count 0, mean 0, variances NaN, max -Infinity, min Infinity.
   */
  stats() {
    return stats(this);
  }
  /**
   * The population variance of a batch of numbers (divided by the count), as Spark's `variance`:
   * `stats().variance`.
   * @returns NaN for an empty batch.
   */
  async variance() {
    return (await stats(this)).variance;
  }
  /**
   * The population standard deviation of a batch of numbers, as Spark's `stdev`: `stats().stdev`.
   * @returns NaN for an empty batch.
   */
  async stdev() {
    return (await stats(this)).stdev;
  }
  /**
   * The sample variance of a batch of numbers (divided by the count minus 1), as Spark's
   * `sampleVariance`.
   * @returns NaN for fewer than two records.
   */
  async sampleVariance() {
    return (await stats(this)).sampleVariance;
  }
  /**
   * The sample standard deviation of a batch of numbers, as Spark's `sampleStdev`.
   * @returns NaN for fewer than two records.
   */
  async sampleStdev() {
    return (await stats(this)).sampleStdev;
  }
  /**
   * How many records each key has, as Spark's `countByKey`, computed here rather than shuffled.
   * @returns Keys in order of first appearance. Keys follow the key rules: NaN is one key, -0 is
   *   0, and a tuple key is the first array seen for it (a `Map` looks arrays up by reference, so
   *   find tuple keys by iterating).
   */
  countByKey() {
    return countByKey(this);
  }
  /**
   * How many times each distinct record occurs, as Spark's `countByValue`, computed here rather
   * than shuffled. (A stream's `countByValue()` stays a transformation, as in Spark.)
   * @returns Records in order of first appearance, compared by the key rules (see `countByKey`).
   */
  countByValue() {
    return countByValue(this);
  }
  /**
   * The values of each key reduced with `fn` into a `Map`, as Spark's `reduceByKeyLocally`: each
   * partition reduced on its own, then the partitions' results merged in partition order, with no
   * shuffle.
   * @param fn Associative and commutative.
   * @returns Keys in order of first appearance, under the key rules (see `countByKey`).
   */
  reduceByKeyLocally(fn) {
    return reduceByKeyLocally(this, fn);
  }
  /**
   * The pairs as a `Map`, as Spark's `collectAsMap`: a key appearing more than once keeps its
   * last value (in partition order).
   * @returns Keys in order of first appearance, under the key rules (see `countByKey`).
   */
  collectAsMap() {
    return collectAsMap(this);
  }
  /**
   * The values of `key` in partition order, as Spark's `lookup`: a hash-partitioned batch (the
   * output of a shuffle) is searched in the key's partition only.
   * @param key Compared by the key rules (tuples structurally, NaN equal to NaN, -0 to 0).
   */
  lookup(key) {
    return lookup(this, key);
  }
  /**
   * Calls `fn` on every record, partition after partition, as Spark's `foreach`.
   * @param fn Called synchronously; a promise it returns is not awaited (for asynchronous work
   *   per record, batch it with `foreachPartition`).
   */
  foreach(fn) {
    return foreach(this, fn);
  }
  /**
   * Calls `fn` with each partition's records and index, as Spark's `foreachPartition`. The
   * partitions run one after another, in order: the promise `fn` returns is awaited before the
   * next partition starts (one connection or file at a time; its rejection stops the rest and
   * rejects the result).
   */
  foreachPartition(fn) {
    return foreachPartition(this, fn);
  }
  // ---- narrow operators ----------------------------------------------------------------------
  /** Each record through `f`. */
  map(f) {
    return this.narrow({ kind: MAP, f });
  }
  /** The records for which `f` is truthy. */
  filter(f) {
    return this.keepingPartitioning(this.narrow({ kind: FILTER, f }));
  }
  /** Each record into zero or more records. */
  flatMap(f) {
    return this.narrow({ kind: FLAT_MAP, f });
  }
  /**
   * Each partition at once; `f` receives the records and the partition's index. With
   * `preservesPartitioning`, `f` promises to keep every key-value record in its partition (it
   * changes values, drops records, never moves keys), as Spark's flag of the same name.
   */
  mapPartitions(f, preservesPartitioning = false) {
    const out = this.narrow({ kind: PARTITION, f });
    out.hashPartitioned = preservesPartitioning && this.hashPartitioned;
    return out;
  }
  /** Each partition as one array record. */
  glom() {
    return this.mapPartitions((records) => [records.slice()]);
  }
  /**
   * Each record paired with a key, as Spark's `keyBy`.
   * @returns `[f(record), record]` pairs.
   */
  keyBy(f) {
    return this.map((record) => [f(record), record]);
  }
  /**
   * The records grouped by `f(record)`, as Spark's `groupBy`: `keyBy(f).groupByKey()`, records in
   * arrival order per partition. Keys compare by the key rules.
   * @param numPartitions Output partitions; by default this batch's.
   */
  groupBy(f, numPartitions) {
    return groupBy(this, f, numPartitions);
  }
  /**
   * Each record with its position in the batch (partition order, from 0), as Spark's
   * `zipWithIndex`. Partitions are unchanged.
   */
  zipWithIndex() {
    return zipWithIndex(this);
  }
  /**
   * Each record with an id unique in the batch, as Spark's `zipWithUniqueId`: the k-th record
   * (from 0) of partition p gets `k * numPartitions + p`. Unlike `zipWithIndex` no partition
   * depends on the others, but the ids leave gaps. Partitions are unchanged.
   */
  zipWithUniqueId() {
    return zipWithUniqueId(this);
  }
  /**
   * Each record paired with the record at the same place in `other`, as Spark's `zip`:
   * partition by partition, position by position.
   * @param other A batch with as many partitions, and as many records in each partition.
   * @throws RivuletError `INVALID_ARGUMENT` at once when the partition counts differ; the
   *   batch's actions reject with it when a partition's record counts differ.
   */
  zip(other) {
    return zip(this, other);
  }
  /**
   * A random sample, as Spark's `sample`: each record kept with probability `fraction`
   * (Bernoulli), or, with replacement, repeated a Poisson(`fraction`) number of times. Records
   * stay in their partitions, in order.
   * @param withReplacement Whether a record may be picked more than once.
   * @param fraction Expected share of the records (`withReplacement`: expected copies of each),
   *   in [0, 1] without replacement, in [0, 2^32 - 1] with, the most copies of one record an
   *   array (a partition) holds (`INVALID_ARGUMENT` otherwise). Each record's count is drawn in
   *   constant time whatever the fraction.
   * @param seed Makes the sample reproducible (the same on every runtime); without one, a seed
   *   is drawn now, so recomputing this batch still gives the same sample.
   */
  sample(withReplacement, fraction, seed = randomSeed()) {
    return sample(this, withReplacement, fraction, seed);
  }
  /**
   * `num` records picked at random, as Spark's `takeSample`, in random order: the whole batch
   * shuffled when it holds no more than `num` records (without replacement); otherwise a
   * `sample` with a fraction that gives at least `num` records all but always (drawn again if
   * not), shuffled and cut to `num`.
   * @param withReplacement Whether a record may be picked more than once.
   * @param num How many; a non-negative integer (`INVALID_ARGUMENT` otherwise).
   * @param seed Makes the pick reproducible (the same on every runtime); without one, a seed is
   *   drawn now.
   * @returns Fewer than `num` records only without replacement from a smaller batch; none from
   *   an empty one.
   */
  takeSample(withReplacement, num, seed = randomSeed()) {
    return takeSample(this, withReplacement, num, seed);
  }
  /**
   * The records split at random into one batch per weight, as Spark's `randomSplit`: each record
   * in exactly one split, the splits disjoint, each about its weight's share of the records.
   * Records stay in their partitions, in order. Each split computes this batch again, so `cache()`
   * it first when it is costly.
   * @param weights Finite, non-negative, with a positive sum; normalized by it
   *   (`INVALID_ARGUMENT` otherwise).
   * @param seed Makes the split reproducible; without one, a seed is drawn now.
   */
  randomSplit(weights, seed = randomSeed()) {
    return randomSplit(this, weights, seed);
  }
  /**
   * The records in fewer partitions, without a shuffle, as Spark's `coalesce`: contiguous
   * partitions are merged, so records keep their order. Asking for more partitions than there are
   * keeps the count, unless `shuffle` (then it is `repartition`).
   * @param numPartitions The partitions wanted, a positive integer.
   * @param shuffle Spread the records evenly with `repartition` instead (it can add partitions).
   */
  coalesce(numPartitions, shuffle2 = false) {
    return coalesce(this, numPartitions, shuffle2);
  }
  /**
   * The distinct records, as Spark's `distinct`, through a hash shuffle: records compare by the
   * key rules (tuples structurally, NaN equal to NaN, -0 to 0), and each keeps its first
   * occurrence.
   * @param numPartitions Output partitions; by default this batch's.
   */
  distinct(numPartitions = ownPartitions(this)) {
    return distinct(this, numPartitions);
  }
  /**
   * The records not in `other`, as Spark's `subtract`: every occurrence is kept (no `distinct`).
   * Records compare by the key rules, through a hash shuffle.
   * @param numPartitions Output partitions; by default this batch's.
   */
  subtract(other, numPartitions = ownPartitions(this)) {
    return subtract(this, other, numPartitions);
  }
  /**
   * The records in both batches, once each (its first occurrence in this batch), as Spark's
   * `intersection`. Records compare by the key rules, through a cogroup.
   * @param numPartitions Output partitions; by default as `cogroup` (the larger batch's count).
   */
  intersection(other, numPartitions) {
    return intersection(this, other, numPartitions);
  }
  /**
   * Every pair of a record of this batch and a record of `other`, as Spark's `cartesian`: one
   * partition per pair of partitions (`numPartitions` times `other.numPartitions`), partition
   * `i * other.numPartitions + j` pairing this batch's partition `i` with `other`'s partition `j`.
   */
  cartesian(other) {
    return cartesian(this, other);
  }
  /** This batch's records, then `other`'s (partitions side by side, as Spark's `union`). */
  union(other) {
    return new _Batch(this.executor, this.numPartitions + other.numPartitions, async () => {
      const [a, b] = await Promise.all([this.partitions(), other.partitions()]);
      return [...a, ...b];
    }, false);
  }
  /** The records spread evenly over `numPartitions` partitions (order is not kept). */
  repartition(numPartitions) {
    checkPartitions(numPartitions);
    return _Batch.deferred(numPartitions, this.executor, async () => {
      const out = Array.from({ length: numPartitions }, () => []);
      const parts = await this.partitions();
      parts.forEach((p, index) => {
        let target = (hashKey(index) >>> 0) % numPartitions;
        for (let i = 0; i < p.length; i++) {
          out[target].push(p[i]);
          if (++target === numPartitions) target = 0;
        }
      });
      return out;
    });
  }
  /**
   * The records ordered by `key` in the natural order (numbers numerically, strings by code unit,
   * tuples element by element: see `Orderable`), as Spark's `sortBy`: range-partitioned into
   * `numPartitions` disjoint key ranges, ascending (or descending) from the first partition, with
   * all the records of one key in one partition, as Spark's `RangePartitioner`. Equal keys keep
   * their order.
   * @param numPartitions Output partitions, always this many: where a key holds more records than
   *   an even share, a partition may be left empty rather than split the key.
   */
  sortBy(key, ascending = true, numPartitions = ownPartitions(this)) {
    checkPartitions(numPartitions);
    return _Batch.deferred(numPartitions, this.executor, async () => {
      const records = await this.collect();
      const keys = records.map(key);
      const order = records.map((_, i) => i);
      const sign = ascending ? 1 : -1;
      order.sort((a, b) => sign * naturalOrder(keys[a], keys[b]) || a - b);
      const sameKey = (j) => naturalOrder(keys[order[j - 1]], keys[order[j]]) === 0;
      return rangeSlices(order.map((i) => records[i]), numPartitions, sameKey);
    });
  }
  // ---- aggregations --------------------------------------------------------------------------
  /** A one-record batch holding the number of records. */
  countBatch() {
    return _Batch.deferred(1, this.executor, async () => [[await this.count()]]);
  }
  /** A batch holding the fold of all records with `fn`, or no record if this batch is empty. */
  reduceBatch(fn) {
    return _Batch.deferred(1, this.executor, async () => {
      let acc;
      let seen2 = false;
      for (const p of await this.partitions()) {
        for (let i = 0; i < p.length; i++) {
          acc = seen2 ? fn(acc, p[i]) : p[i];
          seen2 = true;
        }
      }
      return seen2 ? [[acc]] : [[]];
    });
  }
  // ---- key-value operators -------------------------------------------------------------------
  /**
   * Spark's `combineByKey`: values of each key folded into a combiner, after a hash shuffle. A
   * batch already hash-partitioned into `numPartitions` partitions (a shuffle's output) is folded
   * partition by partition instead, with no shuffle, as Spark does for an equal partitioner.
   * @param numPartitions Output partitions. By default, as Spark's `defaultPartitioner` with one
   *   input, this batch's count (so a shuffled batch is not shuffled again); the same default
   *   holds for `reduceByKey`, `groupByKey`, `aggregateByKey` and `foldByKey`. A stream's operators
   *   default to the engine's parallelism instead, as Spark's streams do.
   * @param mapSideCombine Fold each input partition before the shuffle (default), as Spark.
   */
  combineByKey(createCombiner, mergeValue, mergeCombiners, numPartitions, mapSideCombine = true) {
    return this.shuffle({ createCombiner, mergeValue, mergeCombiners }, numPartitions, mapSideCombine);
  }
  /**
   * The values of each key reduced with `fn` (associative and commutative). With `sum` over
   * `flatMap(words).map(w => [w, 1])` of a text batch kept as bytes, the engine counts the words
   * from the bytes in one kernel, as for a stream's `countByValue()`.
   * @param numPartitions Output partitions; by default this batch's (see `combineByKey`).
   */
  reduceByKey(fn, numPartitions) {
    const aggregator = {
      createCombiner: (v) => v,
      mergeValue: fn,
      mergeCombiners: fn,
      reducerTag: reducerTagOf(fn)
    };
    const reduced2 = this.shuffle(aggregator, numPartitions, true);
    return aggregator.reducerTag === "sum" && this.fusedWordCount(reduced2) || reduced2;
  }
  /**
   * `reduced` (this batch's pairs summed by key) counted from the bytes in one kernel, when this
   * batch is `flatMap(words).map(w => [w, 1])` over a text batch kept as bytes and the engine
   * has the word-count kernel; undefined otherwise. Where the kernel cannot run for a batch, the
   * counts come from `reduced`, with the same records, run as the stream's shuffle stage when
   * this is a stream's batch (so a job module's workers still run it).
   */
  fusedWordCount(reduced2) {
    const tokens = this.parent;
    const text = tokens?.parent;
    const bytes2 = text?.utf8Lines;
    const countWords = this.executor.countWords;
    if (!bytes2 || !countWords || this.op?.kind !== MAP || !isPairWithOne(this.op.f)) return void 0;
    if (!tokens || tokens.op?.kind !== FLAT_MAP || !isWordsTokenizer(tokens.op.f)) return void 0;
    const executor = this.executor;
    const out = _Batch.deferred(reduced2.numPartitions, executor, async () => {
      const fused = await countWords.call(executor, bytes2, reduced2.numPartitions, text.utf8Segments);
      if (fused) return fused;
      reduced2.origin ??= out.origin;
      return reduced2.partitions();
    });
    out.hashPartitioned = true;
    return out;
  }
  /**
   * The values of each key, in arrival order per partition.
   * @param numPartitions Output partitions; by default this batch's (see `combineByKey`).
   */
  groupByKey(numPartitions) {
    return this.shuffle(
      {
        createCombiner: (v) => [v],
        mergeValue: (c, v) => (c.push(v), c),
        mergeCombiners: appendAll
      },
      numPartitions,
      false
    );
  }
  /**
   * The values of each key folded into an accumulator of another type, as Spark's
   * `aggregateByKey`: `seqOp` adds a value to an accumulator starting from a copy of `zero`,
   * within each input partition, and `combOp` merges the accumulators of one key after the shuffle.
   * @param zero The starting accumulator, copied once per key and input partition as Spark
   *   deserializes a copy of it, so `seqOp` and `combOp` may change their first argument in place
   *   and return it (`(set, v) => set.add(v)` with `new Set()`). Primitives are used as they are;
   *   objects are copied with `structuredClone` (plain objects, arrays, `Map`, `Set`, `Date`, typed
   *   arrays). A function or a class instance is refused (`INVALID_ARGUMENT`), as it would come
   *   back as a plain object; instances nested inside a zero lose their class silently.
   * @param numPartitions Output partitions; by default this batch's (see `combineByKey`).
   */
  aggregateByKey(zero, seqOp, combOp, numPartitions) {
    return aggregateByKey(this, zero, seqOp, combOp, numPartitions);
  }
  /**
   * The values of each key folded with `fn` from `zero`, as Spark's `foldByKey`: `zero` starts
   * each key once per input partition, so it must be neutral for `fn` (0 for a sum).
   * @param zero Copied per key as in `aggregateByKey`, so `fn` may change its first argument.
   * @param fn Associative; folds values and merges the partitions' results.
   * @param numPartitions Output partitions; by default this batch's (see `combineByKey`).
   */
  foldByKey(zero, fn, numPartitions) {
    return foldByKey(this, zero, fn, numPartitions);
  }
  /**
   * The pairs hash-partitioned by key, as Spark's `partitionBy(new HashPartitioner(n))`: each
   * key in the partition `HashPartitioner` names, records in their batch order within it. A
   * batch already hash-partitioned into `numPartitions` partitions is returned as it is. The
   * result's cogroups, joins and by-key shuffles into as many partitions read it in place.
   * @param numPartitions A positive integer (`INVALID_ARGUMENT` otherwise).
   */
  partitionBy(numPartitions) {
    return partitionBy(this, numPartitions);
  }
  /**
   * The pairs ordered by key, as Spark's `sortByKey`: `sortBy` on the key, so ties keep their order.
   * @param ascending Smallest key first (default) or largest first.
   * @param numPartitions Output partitions, disjoint key ranges with each key in one partition (as
   *   Spark's `RangePartitioner`; one may be empty where a key outweighs an even share); by default
   *   this batch's.
   */
  sortByKey(ascending = true, numPartitions = ownPartitions(this)) {
    return this.sortBy((pair) => pair[0], ascending, numPartitions);
  }
  /** The key of each pair, as Spark's `keys`. */
  keys() {
    return this.map((pair) => pair[0]);
  }
  /** The value of each pair, as Spark's `values`. */
  values() {
    return this.map((pair) => pair[1]);
  }
  /**
   * The pairs whose key is not in `other`, as Spark's `subtractByKey`: all of their values, in
   * a batch hash-partitioned by key. Keys compare by the key rules, through a cogroup.
   * @param numPartitions Output partitions; by default this batch's.
   */
  subtractByKey(other, numPartitions = ownPartitions(this)) {
    return subtractByKey(this, other, numPartitions);
  }
  /** Each value through `f`, keys unchanged (so is the partitioning). */
  mapValues(f) {
    return this.keepingPartitioning(this.map(([k, v]) => [k, f(v)]));
  }
  /** Each value into zero or more values, each paired with the key. */
  flatMapValues(f) {
    return this.keepingPartitioning(
      this.flatMap(([k, v]) => {
        const out = [];
        for (const u of f(v)) out.push([k, u]);
        return out;
      })
    );
  }
  /**
   * For each key in either batch, its values in this batch and in `other`. A side already
   * hash-partitioned into the output's partitions is read in place, not shuffled again.
   * @param numPartitions Output partitions. By default, as Spark's `defaultPartitioner`: the
   *   partition count of a hash-partitioned side (the one with more partitions) unless the other
   *   side has ten times as many or more, else the larger partition count of the two.
   */
  cogroup(other, numPartitions) {
    const n = numPartitions ?? defaultPartitions([this, other]);
    checkPartitions(n);
    return _Batch.cogroupAll([this, other], n);
  }
  /** For each key in any of `batches`, its values in each, in order (Spark's CoGroupedRDD). */
  static cogroupAll(batches2, numPartitions) {
    checkPartitions(numPartitions);
    const executor = batches2[0].executor;
    const inPlace = batches2.map((b) => b.hashPartitioned && b.numPartitions === numPartitions);
    const out = _Batch.deferred(numPartitions, executor, async () => {
      const inputs = await Promise.all(batches2.map((b) => b.partitions()));
      return executor.cogroup(inputs, new HashPartitioner(numPartitions), inPlace);
    });
    out.hashPartitioned = true;
    return out;
  }
  /** Every pair of values of each key present in both batches. */
  join(other, numPartitions) {
    return join2(this, other, numPartitions);
  }
  /** Like `join`, keeping keys missing from `other` with `undefined` (Scala's `None`). */
  leftOuterJoin(other, numPartitions) {
    return leftOuterJoin(this, other, numPartitions);
  }
  /** Like `join`, keeping keys missing from this batch with `undefined`. */
  rightOuterJoin(other, numPartitions) {
    return rightOuterJoin(this, other, numPartitions);
  }
  /** Like `join`, keeping keys missing from either side with `undefined` on that side. */
  fullOuterJoin(other, numPartitions) {
    return fullOuterJoin(this, other, numPartitions);
  }
  // ---- internals -----------------------------------------------------------------------------
  /**
   * @internal A batch on this batch's engine whose partitions come from `compute`, recomputed by
   * each action unless cached: how the operators of batch-sets.ts and batch-layout.ts make batches
   * without importing this module (which imports them).
   */
  derive(numPartitions, compute) {
    if (numPartitions !== 0) checkPartitions(numPartitions);
    return new _Batch(this.executor, numPartitions, compute, false);
  }
  keepingPartitioning(derived) {
    derived.hashPartitioned = this.hashPartitioned;
    return derived;
  }
  narrow(op) {
    return new _Batch(this.executor, this.numPartitions, NO_SOURCE, false, this, op);
  }
  shuffle(aggregator, numPartitions, mapSideCombine) {
    const n = numPartitions ?? defaultPartitions([this]);
    checkPartitions(n);
    if (this.hashPartitioned && this.numPartitions === n) return combineInPlace(this, aggregator);
    const partitioner = new HashPartitioner(n);
    const executor = this.executor;
    const out = _Batch.deferred(n, executor, async () => {
      const stage2 = executor.runStage && mapSideCombine ? this.stageOf(out, n, aggregator) : void 0;
      const remote = stage2 && await executor.runStage(stage2);
      return remote ?? executor.combineByKey(await this.feeds(), aggregator, partitioner, mapSideCombine);
    });
    out.hashPartitioned = true;
    out.shuffleDependency = { parent: this, aggregator, partitioner, mapSideCombine };
    return out;
  }
  /**
   * The shuffle producing `out` as a stage another thread can run from its own copy of the graph:
   * when `out` is a stream's batch and its input is a chain of narrow operators over an input
   * stream's text batch held as bytes, each input partition's lines (a range of those bytes) are
   * all a worker needs to run the chain and the map side.
   */
  stageOf(out, numPartitions, aggregator) {
    const root = this.lineageRoot();
    if (!out.origin || !root.origin || !root.utf8Lines) return void 0;
    return {
      output: out.origin,
      input: { ...root.origin, utf8Lines: root.utf8Lines, numPartitions: root.numPartitions },
      numPartitions,
      reducerTag: aggregator.reducerTag
    };
  }
  /** The batch the fused chain computing this one starts from. */
  lineageRoot() {
    let b = this;
    while (b.parent && !b.keep) b = b.parent;
    return b;
  }
  /**
   * @internal Each partition as a feed: the fused chain runs as the consumer pulls, nothing in
   * between. Feeds are lazy, so a caller using one partition computes only that one.
   */
  async feeds() {
    const { source, ops } = this.plan();
    if (this.keep || ops.length === 0) return (await this.partitions()).map((p) => arrayFeed(p));
    const parts = await source();
    return parts.map((p, i) => pipelineFeed(p, ops, i));
  }
  /**
   * The fused chain computing this batch: narrow operators back to the nearest batch that is a
   * root or kept. Worked out when computed, not when built, so `cache()` on an ancestor called
   * after its children were made still serves them (as Spark's `persist`).
   */
  plan() {
    const parent = this.parent;
    if (!parent) return { source: this.source, ops: [] };
    if (parent.keep) return { source: () => parent.partitions(), ops: [this.op] };
    const p = parent.plan();
    p.ops.push(this.op);
    return p;
  }
  async compute(source, ops) {
    const parts = await source();
    if (ops.length === 0) return parts;
    return parts.map((p, i) => runPipeline(p, ops, i));
  }
};
function flatMapKeepingKeys(batch, f) {
  return batch.mapPartitions((records) => {
    const out = [];
    for (let i = 0; i < records.length; i++) appendAll(out, f(records[i]));
    return out;
  }, true);
}
function appendAll(a, b) {
  for (let i = 0; i < b.length; i++) a.push(b[i]);
  return a;
}
function rangeSlices(records, n, sameKey) {
  checkPartitions(n);
  const len = records.length;
  if (n === 1) return [records];
  const before = new Int32Array(len + 1);
  const after = new Int32Array(len + 1);
  for (let j = 0; j <= len; j++) before[j] = j === 0 || j === len || !sameKey(j) ? j : before[j - 1];
  for (let j = len; j >= 0; j--) after[j] = j === 0 || j === len || !sameKey(j) ? j : after[j + 1];
  const out = [];
  let from = 0;
  for (let i = 1; i <= n; i++) {
    const ideal = Math.floor(i * len / n);
    const to = ideal - before[ideal] < after[ideal] - ideal ? before[ideal] : after[ideal];
    out.push(records.slice(from, to));
    from = to;
  }
  return out;
}
function slice(records, n) {
  checkPartitions(n);
  if (n === 1) return [records];
  const out = [];
  const len = records.length;
  for (let i = 0; i < n; i++) out.push(records.slice(Math.floor(i * len / n), Math.floor((i + 1) * len / n)));
  return out;
}
function ownPartitions(batch) {
  return Math.max(1, batch.numPartitions);
}

// src/core/duration.ts
var Duration = class _Duration {
  milliseconds;
  constructor(milliseconds) {
    if (!Number.isSafeInteger(milliseconds) || milliseconds < 0) {
      throw new RivuletError("INVALID_ARGUMENT", `a duration must be a non-negative whole number of milliseconds, got ${milliseconds}`);
    }
    this.milliseconds = milliseconds;
  }
  /** True when this duration is a whole multiple of `other` (Spark's `isMultipleOf`). */
  isMultipleOf(other) {
    return other.milliseconds > 0 && this.milliseconds % other.milliseconds === 0;
  }
  plus(other) {
    return new _Duration(this.milliseconds + other.milliseconds);
  }
  times(n) {
    return new _Duration(this.milliseconds * n);
  }
  max(other) {
    return this.milliseconds >= other.milliseconds ? this : other;
  }
  toString() {
    return `${this.milliseconds} ms`;
  }
};
function Milliseconds(ms) {
  return new Duration(ms);
}
function Seconds(s) {
  return new Duration(Math.round(s * 1e3));
}

// src/dstream/derived.ts
function perBatch(parent, fn) {
  return {
    slideDuration: parent.slideDuration,
    dependencies: [parent],
    compute: (time) => {
      const batch = parent.getOrCompute(time);
      return batch && fn(batch, time);
    }
  };
}
function perBatchOf(parents, fn, what) {
  if (parents.length === 0) throw new RivuletError("INVALID_ARGUMENT", `${what} needs at least one stream`);
  const slide = parents[0].slideDuration;
  if (parents.some((p) => p.slideDuration.milliseconds !== slide.milliseconds)) {
    throw new RivuletError(
      "INVALID_ARGUMENT",
      `${what}: every stream must have the same slide duration, got ${parents.map((p) => p.slideDuration).join(", ")}`
    );
  }
  return {
    slideDuration: slide,
    dependencies: parents,
    compute: (time) => {
      const batches2 = [];
      for (const p of parents) {
        const b = p.getOrCompute(time);
        if (!b) throw new RivuletError("ILLEGAL_STATE", `${what}: stream ${p.id} (${p.op}) has no batch at ${time} ms`);
        batches2.push(b);
      }
      return fn(batches2, time);
    }
  };
}

// src/dstream/partitioning.ts
function isPartitioner(value) {
  return typeof value === "object" && value !== null && typeof value.getPartition === "function";
}
function checkPartitioning(p, what) {
  if (p === void 0) return;
  if (typeof p === "number") return checkPartitions(p);
  if (!isPartitioner(p)) {
    throw new RivuletError("INVALID_ARGUMENT", `${what}: expected a number of partitions or a Partitioner ({ numPartitions, getPartition(key) }), got ${describe2(p)}`);
  }
  checkPartitions(p.numPartitions);
}
var partitionsOf = (batch, p) => p === void 0 ? batch.engineParallelism : typeof p === "number" ? p : p.numPartitions;
var followsHash = (p) => typeof p !== "object" || Object.getPrototypeOf(p) === HashPartitioner.prototype;
function laidOut(batch, p) {
  if (followsHash(p)) return batch;
  const partitioner = p;
  const n = partitioner.numPartitions;
  return batch.derive(n, async () => {
    const out = Array.from({ length: n }, () => []);
    for (const records of await batch.partitions()) {
      for (let i = 0; i < records.length; i++) {
        const record = records[i];
        const target = partitioner.getPartition(record[0]);
        if (!Number.isInteger(target) || target < 0 || target >= n) {
          throw new RivuletError(
            "INVALID_ARGUMENT",
            `the partitioner placed key ${describe2(record[0])} in partition ${String(target)}; getPartition must return an integer in [0, ${n})`
          );
        }
        out[target].push(record);
      }
    }
    return out;
  });
}
function describe2(value) {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol" || typeof value === "function") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

// src/dstream/joined.ts
function joinedWith(left, right, p, fn, what) {
  return perBatchOf(
    [left, right],
    ([a, b]) => laidOut(fn(a, b, partitionsOf(a, p)), p),
    what
  );
}
var cogrouped = (l, r, p) => joinedWith(l, r, p, (a, b, n) => a.cogroup(b, n), "cogroup");
var joined = (l, r, p) => joinedWith(l, r, p, (a, b, n) => a.join(b, n), "join");
var leftOuterJoined = (l, r, p) => joinedWith(l, r, p, (a, b, n) => a.leftOuterJoin(b, n), "leftOuterJoin");
var rightOuterJoined = (l, r, p) => joinedWith(l, r, p, (a, b, n) => a.rightOuterJoin(b, n), "rightOuterJoin");
var fullOuterJoined = (l, r, p) => joinedWith(l, r, p, (a, b, n) => a.fullOuterJoin(b, n), "fullOuterJoin");

// src/dstream/mapped.ts
var mapped = (parent, f) => perBatch(parent, (b) => b.map(f));
var flatMapped = (parent, f) => perBatch(parent, (b) => b.flatMap(f));
var filtered = (parent, f) => perBatch(parent, (b) => b.filter(f));
var mapPartitioned = (parent, f, preservePartitioning = false) => perBatch(parent, (b) => b.mapPartitions(f, preservePartitioning));
var glommed = (parent) => perBatch(parent, (b) => b.glom());
var mappedValues = (parent, f) => perBatch(parent, (b) => b.mapValues(f));
var flatMappedValues = (parent, f) => perBatch(parent, (b) => b.flatMapValues(f));

// src/dstream/output.ts
function printer(num, log) {
  if (!Number.isSafeInteger(num) || num < 0) throw new RivuletError("INVALID_ARGUMENT", `print(num): num must be a non-negative integer, got ${num}`);
  return async (batch, time) => {
    const first2 = await batch.take(num + 1);
    const lines = ["-------------------------------------------", `Time: ${time} ms`, "-------------------------------------------"];
    for (let i = 0; i < Math.min(num, first2.length); i++) lines.push(formatRecord(first2[i]));
    if (first2.length > num) lines.push("...");
    lines.push("");
    log(lines.join("\n"));
  };
}
function textFileWriter(prefix, suffix, sink) {
  return async (batch, time) => {
    const records = await batch.collect();
    let text = "";
    for (const r of records) text += formatRecord(r) + "\n";
    await sink.writeText(fileName(prefix, suffix, time), text);
  };
}
function jsonLinesWriter(prefix, suffix, sink) {
  return async (batch, time) => {
    const records = await batch.collect();
    let text = "";
    for (let i = 0; i < records.length; i++) {
      let line;
      try {
        line = JSON.stringify(records[i]);
      } catch (error) {
        throw new RivuletError("INVALID_INPUT", `saveAsObjectFiles: record ${i} of batch ${time} cannot be written as JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      if (line === void 0) throw new RivuletError("INVALID_INPUT", `saveAsObjectFiles: record ${i} of batch ${time} (${typeof records[i]}) has no JSON form`);
      text += line + "\n";
    }
    await sink.writeText(fileName(prefix, suffix, time), text);
  };
}
function formatRecord(record) {
  if (Array.isArray(record)) return `(${record.map(formatRecord).join(",")})`;
  if (record === null || typeof record !== "object") return String(record);
  if (record instanceof Map) return `Map(${[...record].map(([k, v]) => `${formatRecord(k)} -> ${formatRecord(v)}`).join(", ")})`;
  if (record instanceof Set) return `Set(${[...record].map(formatRecord).join(", ")})`;
  if (ArrayBuffer.isView(record) && !(record instanceof DataView)) return `(${Array.from(record, formatRecord).join(",")})`;
  if (typeof record.toString === "function" && record.toString !== Object.prototype.toString) return String(record);
  try {
    return JSON.stringify(record);
  } catch {
    return String(record);
  }
}
function fileName(prefix, suffix, time) {
  const base = prefix ? `${prefix}-${time}` : `${time}`;
  return suffix ? `${base}.${suffix}` : base;
}

// src/dstream/shuffled.ts
var reducedByKey = (parent, fn, p) => perBatch(parent, (b) => laidOut(b.reduceByKey(fn, partitionsOf(b, p)), p));
var combinedByKey = (parent, createCombiner, mergeValue, mergeCombiners, p, mapSideCombine = true) => perBatch(parent, (b) => laidOut(b.combineByKey(createCombiner, mergeValue, mergeCombiners, partitionsOf(b, p), mapSideCombine), p));
var groupedByKey = (parent, p) => perBatch(parent, (b) => laidOut(b.groupByKey(partitionsOf(b, p)), p));
var countedByValue = (parent, numPartitions) => perBatch(parent, (b) => b.map(pairWithOne).reduceByKey(sum2, partitionsOf(b, numPartitions)));
var counted = (parent) => perBatch(parent, (b) => b.countBatch());
var reduced = (parent, fn) => perBatch(parent, (b) => b.reduceBatch(fn));
var repartitioned = (parent, numPartitions) => perBatch(parent, (b) => b.repartition(numPartitions));

// src/dstream/state-spec.ts
var State = class {
  value;
  present;
  timingOut;
  removed = false;
  /** @internal */
  constructor(value, present, timingOut) {
    this.value = value;
    this.present = present;
    this.timingOut = timingOut;
  }
  /** True when the key has state. */
  exists() {
    return this.present;
  }
  /** The state; throws when there is none (Spark's NoSuchElementException). */
  get() {
    if (!this.present) throw new RivuletError("ILLEGAL_STATE", "State.get(): the state does not exist; check exists() first");
    return this.value;
  }
  /** The state, or undefined when there is none. */
  getOption() {
    return this.present ? this.value : void 0;
  }
  /** Sets the state. Not allowed on a removed or timing-out state. */
  update(newState) {
    if (this.removed) throw new RivuletError("ILLEGAL_STATE", "State.update(): the state has already been removed");
    if (this.timingOut) throw new RivuletError("ILLEGAL_STATE", "State.update(): the state is timing out and cannot be updated");
    this.value = newState;
    this.present = true;
  }
  /** Removes the state. */
  remove() {
    if (this.timingOut) {
      this.present = false;
      this.removed = true;
      return;
    }
    if (this.removed) throw new RivuletError("ILLEGAL_STATE", "State.remove(): the state has already been removed");
    this.value = void 0;
    this.present = false;
    this.removed = true;
  }
  /** True when the function is called because the key has been idle past the timeout. */
  isTimingOut() {
    return this.timingOut;
  }
};
var StateSpec = class _StateSpec {
  fn;
  timedFn;
  idleTimeout;
  partitioning;
  initial;
  constructor(fn, timedFn) {
    this.fn = fn;
    this.timedFn = timedFn;
  }
  /** A spec around the mapping function `(key, value | undefined, state) => mapped`. */
  static function(fn) {
    if (typeof fn !== "function") throw new RivuletError("INVALID_ARGUMENT", "StateSpec.function() takes a function");
    return new _StateSpec(fn, void 0);
  }
  /**
   * A spec around Spark's timed mapping function, `(time, key, value | undefined, state) =>
   * mapped | undefined` (`StateSpec.function(Function4)` in Spark): it gets the batch time, and
   * a call that returns `undefined` adds nothing to the mapped stream.
   */
  static timedFunction(fn) {
    if (typeof fn !== "function") throw new RivuletError("INVALID_ARGUMENT", "StateSpec.timedFunction() takes a function");
    return new _StateSpec(void 0, fn);
  }
  /** @internal Runs the mapping function for one call, appending what it maps to (if anything) to `out`. */
  map(time, key, value, state, out) {
    if (this.fn) {
      out.push(this.fn(key, value, state));
      return;
    }
    const mapped2 = this.timedFn(time, key, value, state);
    if (mapped2 !== void 0) out.push(mapped2);
  }
  /** Keys not updated for `idle` get one last call with `isTimingOut()` true, then lose their state. */
  timeout(idle) {
    this.idleTimeout = idle;
    return this;
  }
  /** The number of partitions of the state, hash partitioned (Spark's `HashPartitioner(n)`); the last of this and `partitioner` wins. */
  numPartitions(n) {
    if (!Number.isInteger(n) || n < 1) throw new RivuletError("INVALID_ARGUMENT", `numPartitions must be a positive integer, got ${n}`);
    this.partitioning = n;
    return this;
  }
  /**
   * Spark's `partitioner(p)`: places each key of the state, and so of the mapped stream and the
   * snapshots, in `p.getPartition(key)` of `p.numPartitions` partitions; the last of this and
   * `numPartitions` wins.
   */
  partitioner(partitioner) {
    if (typeof partitioner !== "object" || partitioner === null) throw new RivuletError("INVALID_ARGUMENT", "StateSpec.partitioner() takes a Partitioner");
    checkPartitioning(partitioner, "StateSpec.partitioner");
    this.partitioning = partitioner;
    return this;
  }
  /** State to start from, as `[key, state]` pairs (e.g. from `ssc.parallelize`). */
  initialState(batch) {
    this.initial = batch;
    return this;
  }
  /** @internal */
  get settings() {
    return { timeout: this.idleTimeout, partitioning: this.partitioning, initialState: this.initial };
  }
};

// src/dstream/mapped-state.ts
var MapWithStateComputation = class {
  dependencies;
  mustCheckpoint = true;
  self;
  initialUsed = false;
  parent;
  spec;
  timeout;
  partitioning;
  initial;
  executor;
  constructor(parent, spec, executor) {
    this.executor = executor;
    this.parent = parent;
    this.dependencies = [parent];
    this.spec = spec;
    const settings = spec.settings;
    this.timeout = settings.timeout;
    this.partitioning = settings.partitioning;
    this.initial = settings.initialState;
  }
  get slideDuration() {
    return this.parent.slideDuration;
  }
  attach(self2) {
    this.self = self2;
  }
  compute(time) {
    const input = this.parent.getOrCompute(time);
    if (!input) return void 0;
    let previous = this.self.generatedAt(time - this.slideDuration.milliseconds);
    if (!previous && this.initial && !this.initialUsed) {
      this.initialUsed = true;
      previous = this.initial.map(([k, s]) => [k, { state: s, present: true, updatedAt: time, mapped: [] }]);
    }
    const spec = this.spec;
    const threshold = this.timeout ? time - this.timeout.milliseconds : -Infinity;
    const step = ([k, [values, states]]) => {
      const before = states[0];
      if (values.length === 0) {
        if (!before) return [];
        if (before.present && before.updatedAt < threshold) {
          const mapped3 = [];
          spec.map(time, k, void 0, new State(before.state, true, true), mapped3);
          return [[k, { state: void 0, present: false, updatedAt: time, mapped: mapped3 }]];
        }
        return before.present ? [[k, { ...before, mapped: [] }]] : [];
      }
      let value = before?.present ? before.state : void 0;
      let present = before?.present ?? false;
      const mapped2 = [];
      for (const v of values) {
        const state = new State(value, present, false);
        spec.map(time, k, v, state, mapped2);
        value = state.getOption();
        present = state.exists();
      }
      return [[k, { state: value, present, updatedAt: time, mapped: mapped2 }]];
    };
    const empty2 = Batch.fromPartitions([], this.executor);
    const p = this.partitioning;
    return flatMapKeepingKeys(laidOut(input.cogroup(previous ?? empty2, partitionsOf(input, p)), p), step).cache();
  }
};

// src/dstream/stateful.ts
function settingsOf(fn, args) {
  const [second, third] = args;
  if (typeof fn !== "function") throw new RivuletError("INVALID_ARGUMENT", "updateStateByKey: the first argument must be the state function");
  if (second === void 0 || typeof second === "number" || isPartitioner(second)) {
    checkPartitioning(second, "updateStateByKey");
    return build(fn, void 0, second, third, true);
  }
  if (typeof second !== "object" || second === null) {
    throw new RivuletError("INVALID_ARGUMENT", "updateStateByKey: the second argument must be a number of partitions, a Partitioner or options");
  }
  const options = second;
  if (third !== void 0) throw new RivuletError("INVALID_ARGUMENT", "updateStateByKey: with options, give the initial state as their initialState");
  if (options.numPartitions !== void 0 && options.partitioner !== void 0) {
    throw new RivuletError("INVALID_ARGUMENT", "updateStateByKey: give numPartitions or a partitioner, not both");
  }
  const partitioning = options.partitioner ?? options.numPartitions;
  checkPartitioning(partitioning, "updateStateByKey");
  const form = options.form ?? "values";
  if (form !== "values" && form !== "iterator" && form !== "timed") {
    throw new RivuletError("INVALID_ARGUMENT", `updateStateByKey: form must be "values", "iterator" or "timed", got ${String(form)}`);
  }
  const remember = "rememberPartitioner" in options ? options.rememberPartitioner ?? true : true;
  return build(fn, form, partitioning, options.initialState, remember);
}
function build(fn, form, partitioning, initialState, rememberPartitioner) {
  if (initialState !== void 0 && !(initialState instanceof Batch)) {
    throw new RivuletError("INVALID_ARGUMENT", "updateStateByKey: initialState must be a batch of [key, state] pairs, e.g. ssc.parallelize(pairs)");
  }
  let update;
  if (form === "iterator") update = { perPartition: fn };
  else if (form === "timed") update = { perKey: fn };
  else {
    const values = fn;
    update = { perKey: (_time, _key, vs, s) => values(vs, s) };
  }
  return { update, partitioning, initialState, rememberPartitioner };
}
var StateComputation = class {
  dependencies;
  parent;
  settings;
  initial;
  self;
  mustCheckpoint = true;
  constructor(parent, fn, args) {
    this.settings = settingsOf(fn, args);
    this.parent = parent;
    this.dependencies = [parent];
    this.initial = this.settings.initialState;
  }
  get slideDuration() {
    return this.parent.slideDuration;
  }
  attach(self2) {
    this.self = self2;
  }
  compute(time) {
    let previous = this.self.generatedAt(time - this.slideDuration.milliseconds);
    const input = this.parent.getOrCompute(time);
    if (!previous && input && this.initial) previous = this.initial;
    if (input) this.initial = void 0;
    const p = this.settings.partitioning;
    if (input && previous) {
      const grouped = laidOut(input.cogroup(previous, partitionsOf(input, p)), p);
      return this.apply(grouped, time, {
        key: (r) => r[0],
        values: (r) => r[1][0],
        state: (r) => r[1][1].length > 0 ? r[1][1][0] : void 0
      });
    }
    if (input) return this.apply(laidOut(input.groupByKey(partitionsOf(input, p)), p), time, { key: (r) => r[0], values: (r) => r[1], state: () => void 0 });
    if (previous) return this.apply(previous, time, { key: (r) => r[0], values: () => [], state: (r) => r[1] });
    return void 0;
  }
  /** The update over each partition of `batch`, whose records `entry` reads as Spark's `(key, values, state)`. */
  apply(batch, time, read) {
    const { perKey: perKey2, perPartition } = this.settings.update;
    const perRecords = perPartition ? (records) => fromIterator(perPartition(entriesOf(records, read))) : (records) => {
      const out = [];
      for (let i = 0; i < records.length; i++) {
        const r = records[i];
        const k = read.key(r);
        const next = perKey2(time, k, read.values(r), read.state(r));
        if (next !== void 0) out.push([k, next]);
      }
      return out;
    };
    return batch.mapPartitions(perRecords, this.settings.rememberPartitioner).cache();
  }
};
function* entriesOf(records, read) {
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    yield [read.key(r), read.values(r), read.state(r)];
  }
}
function fromIterator(result) {
  if (result === null || typeof result !== "object" || typeof result[Symbol.iterator] !== "function") {
    throw new RivuletError("INVALID_ARGUMENT", `updateStateByKey: the iterator function must return an iterable of [key, state] pairs, got ${result === null ? "null" : typeof result}`);
  }
  const out = [];
  for (const pair of result) {
    if (!Array.isArray(pair)) throw new RivuletError("INVALID_ARGUMENT", `updateStateByKey: the iterator function returned ${typeof pair}, not a [key, state] pair`);
    out.push([pair[0], pair[1]]);
  }
  return out;
}

// src/dstream/transformed.ts
function checked(result, what, time) {
  if (result instanceof Batch) return result;
  throw new RivuletError(
    "INVALID_ARGUMENT",
    `${what}: the function must return a Batch, got ${result === null ? "null" : typeof result} at ${time} ms; return an empty batch (e.g. batch.filter(() => false) or ssc.parallelize([])) for no records`
  );
}
var transformed = (parent, fn) => perBatch(parent, (batch, time) => checked(fn(batch, time), "transform", time));
var transformedWith = (a, b, fn) => perBatchOf([a, b], ([x, y], time) => checked(fn(x, y, time), "transformWith", time), "transformWith");
var transformedAll = (streams, fn) => perBatchOf(streams, (batches2, time) => checked(fn(batches2, time), "transform", time), "transform");

// src/dstream/union.ts
function unioned(streams) {
  return perBatchOf(streams, (batches2) => batches2.reduce((acc, b) => acc.union(b)), "union");
}

// src/dstream/web-output.ts
function streamWriter(writable, options) {
  if (typeof writable?.getWriter !== "function") throw new RivuletError("INVALID_ARGUMENT", "writeTo needs a WritableStream");
  if (writable.locked) throw new RivuletError("INVALID_ARGUMENT", "writeTo: the WritableStream is locked (another writer or pipe holds it)");
  const byBatch = chunking(options) === "batches";
  const writer = writable.getWriter();
  const ignore = () => void 0;
  return {
    async run(batch, time) {
      const records = await batch.collect();
      if (byBatch) return writer.write({ time, records });
      let last;
      for (let i = 0; i < records.length; i++) {
        last?.catch(ignore);
        last = writer.write(records[i]);
      }
      await last;
    },
    async end(failure) {
      if (failure && !options.preventAbort) return writer.abort(failure.error).catch(ignore);
      if (!failure && !options.preventClose) return writer.close();
      writer.releaseLock();
    }
  };
}
function streamReader(options) {
  const byBatch = chunking(options) === "batches";
  const highWaterMark = options.highWaterMark ?? (byBatch ? 1 : 1024);
  if (!(highWaterMark >= 0)) throw new RivuletError("INVALID_ARGUMENT", `toReadableStream: highWaterMark must be a number \u2265 0, got ${highWaterMark}`);
  let controller;
  let cancelled = false;
  let stopping = false;
  let ended = false;
  let wake;
  const readable = new ReadableStream(
    {
      start: (c) => void (controller = c),
      pull: () => wake?.(),
      // A reader that lets go (`break` out of `for await`) ends the output, not the job.
      cancel: () => {
        cancelled = true;
        wake?.();
      }
    },
    { highWaterMark }
  );
  return {
    readable,
    output: {
      async run(batch, time) {
        if (cancelled || ended) return;
        const records = await batch.collect();
        if (cancelled) return;
        if (byBatch) controller.enqueue({ time, records });
        else for (let i = 0; i < records.length; i++) controller.enqueue(records[i]);
        while (!cancelled && !stopping && (controller.desiredSize ?? 1) <= 0) {
          await new Promise((resolve) => wake = resolve);
          wake = void 0;
        }
      },
      interrupt() {
        stopping = true;
        wake?.();
      },
      async end(failure) {
        if (cancelled || ended) return;
        ended = true;
        if (failure) controller.error(failure.error);
        else controller.close();
        wake?.();
      }
    }
  };
}
function chunking(options) {
  const chunks = options.chunks ?? "records";
  if (chunks !== "records" && chunks !== "batches") {
    throw new RivuletError("INVALID_ARGUMENT", `chunks must be "records" or "batches", got ${JSON.stringify(chunks)}`);
  }
  return chunks;
}

// src/dstream/window-state.ts
var DEAD = -1073741824;
var WindowPartition = class _WindowPartition {
  slots = new KeyMap();
  keys = [];
  values = [];
  counts = [];
  dead = 0;
  arrayKeys = 0;
  /** The partition of a window from its records (after a restart, or when the kept one cannot be used). */
  static of(records) {
    const part = new _WindowPartition();
    for (let i = 0; i < records.length; i++) {
      const [k, [value, count]] = records[i];
      part.insert(k, value, count);
    }
    return part;
  }
  /** Takes a batch that left the window out: `inv(value, leaving)` per key it holds. */
  subtract(records, inv) {
    const { slots, values, counts } = this;
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const slot = slots.get(r[0]);
      if (slot === void 0) {
        this.insert(r[0], inv(void 0, r[1]), -1);
      } else {
        values[slot] = inv(values[slot], r[1]);
        counts[slot]--;
      }
    }
  }
  /** Adds a batch that arrived in the window: `fn(value, arriving)` per key it holds. */
  add(records, fn) {
    const { slots, values, counts } = this;
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const slot = slots.get(r[0]);
      if (slot === void 0) {
        this.insert(r[0], r[1], 1);
      } else {
        values[slot] = counts[slot] === 0 ? r[1] : fn(values[slot], r[1]);
        counts[slot]++;
      }
    }
  }
  /**
   * The window's records. A key that no batch of the window holds any more stays (with the value
   * the inverse left it) only when `keepEmpty` says so; it is decided here, after the whole
   * update, so that a key leaving and coming back in the same slide keeps its place.
   */
  entries(keepEmpty) {
    const { keys, values, counts } = this;
    const out = [];
    for (let s = 0; s < keys.length; s++) {
      const c = counts[s];
      if (c === DEAD) continue;
      if (c < 0 || c === 0 && !keepEmpty(keys[s], values[s])) {
        this.kill(s);
        continue;
      }
      if (this.arrayKeys > 0 && Array.isArray(keys[s])) continue;
      out.push([keys[s], [values[s], c]]);
    }
    if (this.arrayKeys > 0) {
      for (let s = 0; s < keys.length; s++) {
        if (counts[s] !== DEAD && Array.isArray(keys[s])) out.push([keys[s], [values[s], counts[s]]]);
      }
    }
    if (this.dead > 1024 && this.dead > keys.length - this.dead) this.compact();
    return out;
  }
  insert(k, value, count) {
    this.slots.set(k, this.keys.length);
    this.keys.push(k === 0 ? 0 : k);
    this.values.push(value);
    this.counts.push(count);
    if (Array.isArray(k)) this.arrayKeys++;
  }
  kill(slot) {
    const k = this.keys[slot];
    this.slots.delete(k);
    if (Array.isArray(k)) this.arrayKeys--;
    this.keys[slot] = void 0;
    this.values[slot] = void 0;
    this.counts[slot] = DEAD;
    this.dead++;
  }
  compact() {
    const { keys, values, counts } = this;
    this.slots = new KeyMap();
    this.keys = [];
    this.values = [];
    this.counts = [];
    this.dead = 0;
    this.arrayKeys = 0;
    for (let s = 0; s < keys.length; s++) if (counts[s] !== DEAD) this.insert(keys[s], values[s], counts[s]);
  }
};

// src/dstream/windowed.ts
function checkWindow(parent, length, slide, batchInterval) {
  const step = parent.slideDuration;
  const name = step.milliseconds === batchInterval.milliseconds ? `the batch interval (${batchInterval})` : `the parent stream's slide (${step})`;
  if (length.milliseconds <= 0 || !length.isMultipleOf(step)) {
    throw new RivuletError("INVALID_ARGUMENT", `the window length (${length}) must be a positive multiple of ${name}`);
  }
  if (slide.milliseconds <= 0 || !slide.isMultipleOf(step)) {
    throw new RivuletError("INVALID_ARGUMENT", `the slide (${slide}) must be a positive multiple of ${name}`);
  }
}
var WindowComputation = class {
  dependencies;
  slideDuration;
  parentRememberExtra;
  parent;
  length;
  executor;
  constructor(parent, length, slide, executor) {
    this.parent = parent;
    this.dependencies = [parent];
    this.length = length;
    this.slideDuration = slide;
    this.parentRememberExtra = length;
    this.executor = executor;
    parent.markCheckpointed();
  }
  compute(time) {
    const batches2 = this.parent.slice(time - this.length.milliseconds + this.parent.slideDuration.milliseconds, time);
    if (batches2.length === 0) return Batch.fromPartitions([], this.executor);
    return batches2.reduce((acc, b) => acc.union(b));
  }
};
var keepAll = () => true;
var IncrementalWindowComputation = class {
  dependencies;
  slideDuration;
  parentRememberExtra;
  mustCheckpoint = true;
  /** This stream: the next window is computed from the previous one. */
  self;
  reduced;
  length;
  fn;
  options;
  keepEmpty;
  executor;
  /** The last window made in place, and its partitions to update into the next one. */
  lastWindow;
  constructor(reduced2, fn, length, slide, options, executor) {
    this.reduced = reduced2;
    reduced2.markCheckpointed();
    this.dependencies = [reduced2];
    this.fn = fn;
    this.length = length;
    this.slideDuration = slide;
    this.parentRememberExtra = length;
    this.options = options;
    this.keepEmpty = options.keepEmpty ?? keepAll;
    this.executor = executor;
  }
  attach(self2) {
    this.self = self2;
  }
  compute(time) {
    const step = this.reduced.slideDuration.milliseconds;
    const slide = this.slideDuration.milliseconds;
    const begin = time - this.length.milliseconds + step;
    const prevBegin = begin - slide;
    const prevEnd = time - slide;
    const old = this.reduced.slice(prevBegin, Math.min(begin - step, prevEnd));
    const fresh = this.reduced.slice(Math.max(prevEnd + step, begin), time);
    const previous = this.self.generatedAt(prevEnd) ?? Batch.fromPartitions([], this.executor);
    const n = this.options.numPartitions ?? this.executor.parallelism;
    const inputs = [previous, ...old, ...fresh];
    if (inputs.every((b) => b.numPartitions === n && b.hashPartitioned || b.numPartitions === 0)) {
      return this.mergeInPlace(previous, old, fresh, n);
    }
    const { fn } = this;
    const inv = this.options.invFn;
    const keepEmpty = this.keepEmpty;
    const numOld = old.length;
    const grouped = Batch.cogroupAll([previous, ...old, ...fresh], this.options.numPartitions ?? this.executor.parallelism);
    return flatMapKeepingKeys(grouped, ([k, groups]) => {
      let value;
      let count = 0;
      const prev = groups[0];
      if (prev.length > 0) [value, count] = prev[0];
      for (let i = 1; i <= numOld; i++) {
        const g = groups[i];
        if (g.length === 0) continue;
        value = inv(value, g[0]);
        count--;
      }
      for (let i = 1 + numOld; i < groups.length; i++) {
        const g = groups[i];
        if (g.length === 0) continue;
        value = count === 0 ? g[0] : fn(value, g[0]);
        count++;
      }
      return count > 0 || count === 0 && keepEmpty(k, value) ? [[k, [value, count]]] : [];
    }).cache();
  }
  /**
   * The same window update when every input is already partitioned like the output (the usual
   * case: the kept window and the per-batch reductions come out of hash shuffles): partition p
   * of the new window is made from partition p of each input. The previous window's partitions,
   * kept from the last update, are updated in place when `previous` is the window they made;
   * otherwise (after a restart, or a failed update) they are rebuilt from its records. Same order
   * of application and of keys as the cogroup path.
   */
  mergeInPlace(previous, old, fresh, n) {
    const { fn } = this;
    const inv = this.options.invFn;
    const keepEmpty = this.keepEmpty;
    const out = Batch.deferred(n, this.executor, async () => {
      const [olds, news] = await Promise.all([Promise.all(old.map((b) => b.partitions())), Promise.all(fresh.map((b) => b.partitions()))]);
      if (this.lastWindow?.window !== previous) await previous.partitions();
      const last = this.lastWindow;
      this.lastWindow = void 0;
      const parts = last?.window === previous && last.parts.length === n ? last.parts : (await previous.partitions()).map((records) => WindowPartition.of(records));
      const result = [];
      for (let p = 0; p < n; p++) {
        const part = parts[p] ?? new WindowPartition();
        for (const batch of olds) part.subtract(batch[p] ?? [], inv);
        for (const batch of news) part.add(batch[p] ?? [], fn);
        parts[p] = part;
        result.push(part.entries(keepEmpty));
      }
      this.lastWindow = { window: out, parts };
      return result;
    });
    out.hashPartitioned = true;
    return out;
  }
};

// src/dstream/dstream.ts
var DStream = class _DStream {
  /** Unique within the context, in creation order. */
  id;
  env;
  computation;
  generated = /* @__PURE__ */ new Map();
  zeroTime;
  rememberMs = 0;
  /** The widest slide of a reader of this stream (or of a stream it feeds), see `remember`. */
  readEveryMs = 0;
  cached = false;
  /**
   * For a stream that reads its own previous batch (state, incremental windows): the latest time
   * it was computed for. Spark's StateDStream asks for its previous batch with getOrCompute, so a
   * state read only every other slide (by a wider window, say) still steps through every slide.
   */
  madeUpTo;
  /** The operator that made this stream (part of the graph's fingerprint). */
  op;
  checkpointEvery;
  checkpointed;
  /** True once `checkpoint(interval)` was called. */
  checkpointAsked = false;
  /** Slides between checkpoints by default, when not Spark's "at least 10 s" (mapWithState's 10). */
  defaultCheckpointSlides;
  /** @internal Streams are made by the context and by operators, never directly. */
  constructor(env, computation, op, kind = "transformations") {
    this.id = env.graph.newStreamId(kind);
    for (const d of computation.dependencies) {
      if (d instanceof _DStream && d.env.graph !== env.graph) {
        throw new RivuletError("INVALID_ARGUMENT", `${op}: the streams belong to different StreamingContexts; a stream can only read streams of its own context`);
      }
    }
    this.env = env;
    this.computation = computation;
    this.op = op;
    this.checkpointed = computation.mustCheckpoint ?? false;
    computation.attach?.(this);
    env.graph.track(this);
  }
  /** How often this stream produces a batch. */
  get slideDuration() {
    return this.computation.slideDuration;
  }
  /** The streams this one reads. */
  get dependencies() {
    return this.computation.dependencies;
  }
  /**
   * @internal True for streams whose batches cannot be recomputed after a restart without a
   * checkpoint, and for streams given a checkpoint interval (Spark refuses to start those without
   * a checkpoint directory, rather than checkpoint nothing).
   */
  get mustCheckpoint() {
    return (this.computation.mustCheckpoint ?? false) || this.checkpointAsked;
  }
  // ---- generation (Spark's DStream internals) ------------------------------------------------
  /** @internal */
  initialize(zeroTime) {
    if (this.zeroTime !== void 0) return;
    this.zeroTime = zeroTime;
    if (this.computation.attach) this.madeUpTo ??= zeroTime;
    if (this.checkpointed && !this.checkpointEvery) {
      const slide = this.slideDuration.milliseconds;
      this.checkpointEvery = new Duration(slide * (this.defaultCheckpointSlides ?? Math.max(1, Math.ceil(1e4 / slide))));
    }
    for (const d of this.dependencies) d.initialize(zeroTime);
  }
  /** @internal */
  remember(duration, readEvery = this.slideDuration) {
    if (duration.milliseconds > this.rememberMs) this.rememberMs = duration.milliseconds;
    if (readEvery.milliseconds > this.readEveryMs) this.readEveryMs = readEvery.milliseconds;
    const extra = this.computation.parentRememberExtra;
    const late = new Duration(Math.max(this.readEveryMs, this.slideDuration.milliseconds));
    const base = this.cached || this.checkpointed ? late : duration;
    const forParents = extra ? base.plus(extra) : base;
    for (const d of this.dependencies) d.remember(forParents, late);
  }
  /** @internal */
  clearMetadata(time) {
    for (const [t, batch] of this.generated) {
      if (t > time - this.rememberMs || t === this.madeUpTo) continue;
      this.generated.delete(t);
      if (batch.origin?.stream === this.id && batch.origin.time === t) batch.release();
    }
    for (const d of this.dependencies) d.clearMetadata(time);
  }
  /** @internal The batch at `time`, made once and kept while remembered. */
  getOrCompute(time) {
    const existing = this.generated.get(time);
    if (existing) return existing;
    if (!this.isTimeValid(time)) return void 0;
    if (this.madeUpTo !== void 0 && time > this.madeUpTo) {
      const slide = this.slideDuration.milliseconds;
      for (let t = this.madeUpTo + slide; t < time; t += slide) {
        this.madeUpTo = t;
        this.getOrCompute(t);
      }
      this.madeUpTo = time;
    }
    const batch = this.computation.compute(time);
    if (!batch) return void 0;
    if (this.cached || this.checkpointed) batch.cache();
    batch.origin ??= { stream: this.id, time };
    this.generated.set(time, batch);
    return batch;
  }
  /** @internal Makes `batch` this stream's batch at `time` (a worker's copy of an input batch). */
  inject(time, batch) {
    batch.origin = { stream: this.id, time };
    this.generated.set(time, batch);
  }
  /** @internal Forgets every batch made (a worker's copy of the graph, between tasks). */
  forgetAll() {
    this.generated.clear();
    this.madeUpTo = void 0;
  }
  /** @internal The batch already made for `time`, if any; never computes. */
  generatedAt(time) {
    return this.generated.get(time);
  }
  /** @internal Asks for this stream's batches to be saved in checkpoints (a window needs its parent's). */
  markCheckpointed() {
    this.checkpointed = true;
  }
  /** @internal How often this stream's batches are checkpointed, if they are. */
  get checkpointInterval() {
    return this.checkpointed ? this.checkpointEvery : void 0;
  }
  /** @internal See `StreamNode.makeUpTo`. */
  makeUpTo(time) {
    if (this.zeroTime === void 0 || time <= this.zeroTime) return;
    const slide = this.slideDuration.milliseconds;
    const last = this.zeroTime + Math.floor((time - this.zeroTime) / slide) * slide;
    const from = Math.max(this.zeroTime + slide, last - Math.max(this.readEveryMs, slide) + slide);
    for (let t = from; t <= last; t += slide) this.getOrCompute(t);
  }
  /** @internal The remembered batches up to `time`, materialised, for a checkpoint. */
  async checkpointData(time) {
    const out = [];
    for (const [t, batch] of this.generated) if (t <= time) out.push([t, await batch.partitions()]);
    return out.sort((a, b) => a[0] - b[0]);
  }
  /** @internal Puts checkpointed batches back, before the context starts again. */
  restoreCheckpointData(entries2) {
    for (const [t, partitions] of entries2) {
      this.generated.set(t, Batch.fromPartitions(partitions, this.env.graph.executor).cache());
      if (this.computation.attach && (this.madeUpTo === void 0 || t > this.madeUpTo)) this.madeUpTo = t;
    }
  }
  isTimeValid(time) {
    if (this.zeroTime === void 0) throw new RivuletError("ILLEGAL_STATE", `stream ${this.id} has not been initialized; start the context first`);
    const since = time - this.zeroTime;
    return since > 0 && since % this.slideDuration.milliseconds === 0;
  }
  derive(op, computation) {
    return new _DStream(this.env, computation, op);
  }
  // ---- narrow transformations ----------------------------------------------------------------
  /** Each record through `f`. */
  map(f) {
    return this.derive("mapped", mapped(this, f));
  }
  /** Each record into zero or more records. */
  flatMap(f) {
    return this.derive("flatMapped", flatMapped(this, f));
  }
  /** The records for which `f` is truthy. */
  filter(f) {
    return this.derive("filtered", filtered(this, f));
  }
  /**
   * Each partition of each batch at once; `f` receives the records and the partition index.
   * @param preservePartitioning Spark's flag (default false): `f` keeps every key-value record in
   *   its partition (it changes values or drops records, never moves keys), so a following
   *   shuffle into as many partitions folds the batch where it is instead of hashing it again.
   */
  mapPartitions(f, preservePartitioning = false) {
    return this.derive("mapPartitioned", mapPartitioned(this, f, preservePartitioning));
  }
  /** Each partition as one array record. */
  glom() {
    return this.derive("glommed", glommed(this));
  }
  /** Each batch spread over `numPartitions` partitions. */
  repartition(numPartitions) {
    return this.derive("repartitioned", repartitioned(this, numPartitions));
  }
  /** This stream's records, then each other stream's, batch by batch. */
  union(...others) {
    return this.derive("unioned", unioned([this, ...others]));
  }
  // ---- aggregations --------------------------------------------------------------------------
  /** One record per batch: its number of records (0 for an empty batch). */
  count() {
    return this.derive("counted", counted(this));
  }
  /** One record per non-empty batch: its records folded with `fn` (associative, commutative). */
  reduce(fn) {
    return this.derive("reduced", reduced(this, fn));
  }
  /** Each distinct record of a batch with its number of occurrences. */
  countByValue(numPartitions) {
    return this.derive("countedByValue", countedByValue(this, numPartitions));
  }
  // ---- arbitrary batch functions -------------------------------------------------------------
  /** Each batch through `fn`, e.g. to join it with a static data set. */
  transform(fn) {
    return this.derive("transformed", transformed(this, fn));
  }
  /** Each batch of this stream and of `other` at the same time through `fn`. */
  transformWith(other, fn) {
    return this.derive("transformedWith", transformedWith(this, other, fn));
  }
  /**
   * Saves this stream's batches in the context's checkpoints every `interval` (a multiple of its
   * slide), so that they survive a restart. Stateful and incremental-window streams are always
   * checkpointed; by default every 10 s or the first multiple of the slide above.
   */
  checkpoint(interval) {
    this.env.graph.assertModifiable("a checkpoint interval");
    if (interval.milliseconds <= 0 || !interval.isMultipleOf(this.slideDuration)) {
      throw new RivuletError("INVALID_ARGUMENT", `the checkpoint interval (${interval}) must be a positive multiple of the stream's slide (${this.slideDuration})`);
    }
    this.checkpointed = true;
    this.checkpointAsked = true;
    this.checkpointEvery = interval;
    return this;
  }
  /** Keeps this stream's batches once computed, so several outputs do not recompute them. */
  cache() {
    this.env.graph.assertModifiable("the caching of a stream");
    this.cached = true;
    return this;
  }
  /** Spark's `persist()`: `cache()`. Batches live in memory only, so there is no storage level to choose. */
  persist() {
    return this.cache();
  }
  /** The batches between `from` and `to` (ms, inclusive, aligned down to the slide). */
  slice(from, to) {
    if (this.zeroTime === void 0) throw new RivuletError("ILLEGAL_STATE", "slice() needs a started context");
    const slide = this.slideDuration.milliseconds;
    const align = (t) => this.zeroTime + Math.floor((t - this.zeroTime) / slide) * slide;
    const out = [];
    for (let t = align(from); t <= align(to); t += slide) {
      const b = this.getOrCompute(t);
      if (b) out.push(b);
    }
    return out;
  }
  // ---- windows -------------------------------------------------------------------------------
  /**
   * Every `slide`, the union of the batches of the last `length` (both multiples of this
   * stream's slide; `slide` defaults to it).
   */
  window(length, slide = this.slideDuration) {
    checkWindow(this, length, slide, this.env.graph.batchInterval);
    return this.derive(`window(${length.milliseconds},${slide.milliseconds})`, new WindowComputation(this, length, slide, this.env.graph.executor));
  }
  /** The number of records in each window, computed incrementally (needs a checkpoint store). */
  countByWindow(length, slide = this.slideDuration) {
    return this.map(() => 1).reduceByWindow(sum2, (a, b) => a - b, length, slide);
  }
  reduceByWindow(fn, second, third, fourth) {
    if (typeof second !== "function") {
      const slide = third ?? this.slideDuration;
      return this.reduce(fn).window(second, slide).reduce(fn);
    }
    if (!third) throw new RivuletError("INVALID_ARGUMENT", "reduceByWindow(fn, invFn, length, slide?) needs a window length");
    return this.map((x) => [0, x]).reduceByKeyAndWindow(fn, third, fourth ?? this.slideDuration, {
      invFn: second,
      numPartitions: 1
    }).map(([, v]) => v);
  }
  /** Each distinct record of each window with its count, computed incrementally (needs a checkpoint store). */
  countByValueAndWindow(length, slide = this.slideDuration, numPartitions) {
    return this.map((x) => [x, 1]).reduceByKeyAndWindow(sum2, length, slide, {
      invFn: (a, b) => a - b,
      filterFn: ([, n]) => n !== 0,
      numPartitions
    });
  }
  reduceByKeyAndWindow(fn, second, third, fourth, fifth, sixth) {
    const self2 = this;
    if (typeof second === "function") {
      if (!(third instanceof Duration) || fourth !== void 0 && !(fourth instanceof Duration)) {
        throw new RivuletError("INVALID_ARGUMENT", "reduceByKeyAndWindow(fn, invFn, length, slide?, partitioning?, filterFn?) needs a window length and slide as Durations");
      }
      checkPartitioning(fifth, "reduceByKeyAndWindow");
      return self2.windowReduced(fn, third, fourth, { invFn: second, filterFn: sixth }, fifth);
    }
    if (fourth === void 0 || typeof fourth === "number" || isPartitioner(fourth)) {
      checkPartitioning(fourth, "reduceByKeyAndWindow");
      return self2.windowReduced(fn, second, third, {}, fourth);
    }
    const options = fourth;
    if (options.numPartitions !== void 0 && options.partitioner !== void 0) {
      throw new RivuletError("INVALID_ARGUMENT", "reduceByKeyAndWindow: give numPartitions or a partitioner, not both");
    }
    const partitioning = options.partitioner ?? options.numPartitions;
    checkPartitioning(partitioning, "reduceByKeyAndWindow");
    return self2.windowReduced(fn, second, third, options, partitioning);
  }
  /** Spark's two window reductions: reduced again per window, or (with `invFn`) ReducedWindowedDStream. */
  windowReduced(fn, length, slide, options, p) {
    const s = slide ?? this.slideDuration;
    const filterFn = options.filterFn;
    checkWindow(this, length, s, this.env.graph.batchInterval);
    if (!options.invFn) {
      const windows2 = this.derive("reducedByKey", reducedByKey(this, fn, p)).window(length, s);
      const reducedWindows = windows2.derive("reducedByKey", reducedByKey(windows2, fn, p));
      return filterFn ? reducedWindows.filter(filterFn) : reducedWindows;
    }
    const n = typeof p === "object" ? p.numPartitions : p;
    const reduced2 = this.derive("reducedByKey", reducedByKey(this, fn, n));
    const windows = reduced2.derive(
      `reduceByKeyAndWindow(${length.milliseconds},${s.milliseconds})`,
      new IncrementalWindowComputation(
        reduced2,
        fn,
        length,
        s,
        { invFn: options.invFn, keepEmpty: filterFn && ((k, v) => Boolean(filterFn([k, v]))), numPartitions: n },
        this.env.graph.executor
      )
    );
    const values = windows.map(([k, [v]]) => [k, v]);
    const kept = filterFn ? values.filter(filterFn) : values;
    return typeof p === "object" ? kept.derive("partitioned", perBatch(kept, (b) => laidOut(b, p))) : kept;
  }
  /**
   * The values of each key over each window, Spark's `groupByKeyAndWindow(window[, slide[,
   * numPartitions | partitioner]])`.
   * @param slide Defaults to this stream's slide.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   */
  groupByKeyAndWindow(length, slide, partitioning) {
    return this.groupByKey(partitioning).window(length, slide ?? this.slideDuration).combineByKey(
      (vs) => vs.slice(),
      appendAll,
      appendAll,
      partitioning
    );
  }
  // ---- key-value transformations -------------------------------------------------------------
  /**
   * The values of each key in a batch reduced with `fn` (associative, commutative).
   * @param partitioning A number of partitions (hash partitioned) or a `Partitioner`, as Spark's
   *   `reduceByKey(f, numPartitions)` and `reduceByKey(f, partitioner)`; default: the context's parallelism.
   */
  reduceByKey(fn, partitioning) {
    checkPartitioning(partitioning, "reduceByKey");
    return this.derive("reducedByKey", reducedByKey(this, fn, partitioning));
  }
  /**
   * Spark's `combineByKey`: each key's values folded into a combiner.
   * @param partitioning A number of partitions or a `Partitioner` (Spark's `partitioner`); default: the context's parallelism.
   * @param mapSideCombine Fold each input partition before the shuffle (default), as Spark.
   */
  combineByKey(createCombiner, mergeValue, mergeCombiners, partitioning, mapSideCombine = true) {
    checkPartitioning(partitioning, "combineByKey");
    return this.derive("combinedByKey", combinedByKey(this, createCombiner, mergeValue, mergeCombiners, partitioning, mapSideCombine));
  }
  /**
   * The values of each key in a batch.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   */
  groupByKey(partitioning) {
    checkPartitioning(partitioning, "groupByKey");
    return this.derive("groupedByKey", groupedByKey(this, partitioning));
  }
  /** Each value through `f`, keys unchanged. */
  mapValues(f) {
    return this.derive("mappedValues", mappedValues(this, f));
  }
  /** Each value into zero or more values, each paired with its key. */
  flatMapValues(f) {
    return this.derive("flatMappedValues", flatMappedValues(this, f));
  }
  /**
   * For each key in either stream's batch, its values on each side.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   */
  cogroup(other, partitioning) {
    checkPartitioning(partitioning, "cogroup");
    return this.derive("cogrouped", cogrouped(this, other, partitioning));
  }
  /**
   * Every pair of values of each key present in both streams' batches.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   */
  join(other, partitioning) {
    checkPartitioning(partitioning, "join");
    return this.derive("joined", joined(this, other, partitioning));
  }
  /**
   * `join`, keeping this side's keys missing from `other` with `undefined`.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   */
  leftOuterJoin(other, partitioning) {
    checkPartitioning(partitioning, "leftOuterJoin");
    return this.derive("leftOuterJoined", leftOuterJoined(this, other, partitioning));
  }
  /**
   * `join`, keeping `other`'s keys missing from this side with `undefined`.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   */
  rightOuterJoin(other, partitioning) {
    checkPartitioning(partitioning, "rightOuterJoin");
    return this.derive("rightOuterJoined", rightOuterJoined(this, other, partitioning));
  }
  /**
   * `join`, keeping keys missing from either side with `undefined` there.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   */
  fullOuterJoin(other, partitioning) {
    checkPartitioning(partitioning, "fullOuterJoin");
    return this.derive("fullOuterJoined", fullOuterJoined(this, other, partitioning));
  }
  updateStateByKey(fn, ...args) {
    return this.derive("updateStateByKey", new StateComputation(this, fn, args));
  }
  /**
   * Spark's `mapWithState`: the spec's function runs for every new value with the key's `State`,
   * and for idle keys past the spec's timeout; the stream holds what it returns. Its
   * `stateSnapshots()` is the stream of every key's state after each batch.
   */
  mapWithState(spec) {
    const internal = this.derive("mapWithState", new MapWithStateComputation(this, spec, this.env.graph.executor));
    internal.defaultCheckpointSlides = 10;
    const mappedStream = internal.flatMap(([, record]) => record.mapped);
    const snapshots = internal.filter(([, record]) => record.present).map(([k, record]) => [k, record.state]);
    return Object.assign(mappedStream, {
      stateSnapshots: () => snapshots,
      // As Spark's MapWithStateDStreamImpl, the interval is the state's: the mapped values are
      // made again from it.
      checkpoint(interval) {
        internal.checkpoint(interval);
        return this;
      }
    });
  }
  // ---- output operations ---------------------------------------------------------------------
  /** Runs `fn` on every batch, on the driver; a returned promise is awaited before the next output. */
  foreachRDD(fn) {
    this.env.graph.addOutput(this, "foreachRDD", fn);
  }
  /** Prints the first `num` records of every batch under a header with its time, as Spark does. */
  print(num = 10) {
    this.env.graph.addOutput(this, "print", printer(num, this.env.log));
  }
  /** Writes every batch as a text file `prefix-<time>[.suffix]`, one record a line. */
  saveAsTextFiles(prefix, suffix) {
    this.env.graph.addOutput(this, "saveAsTextFiles", textFileWriter(prefix, suffix, this.env.fileSink()));
  }
  /**
   * Writes every batch as a file `prefix-<time>[.suffix]` of newline-delimited JSON, one record a
   * line (Spark's `saveAsObjectFiles`, with JSON for Java serialization); `jsonLinesStream` reads
   * such files back. A record with no JSON form fails that batch's output, naming the record.
   */
  saveAsObjectFiles(prefix, suffix) {
    this.env.graph.addOutput(this, "saveAsObjectFiles", jsonLinesWriter(prefix, suffix, this.env.fileSink()));
  }
  writeTo(writable, options = {}) {
    const output = streamWriter(writable, options);
    this.env.graph.addOutput(this, "writeTo", output.run, output);
  }
  toReadableStream(options = {}) {
    const { readable, output } = streamReader(options);
    this.env.graph.addOutput(this, "toReadableStream", output.run, output);
    return readable;
  }
};

// src/dstream/graph.ts
var DStreamGraph = class {
  batchInterval;
  executor;
  owner;
  inputs = [];
  streams = [];
  outputs = [];
  inputInfos = /* @__PURE__ */ new Map();
  /** Per batch time not yet forgotten, where each input's source stood after taking it. */
  positions = /* @__PURE__ */ new Map();
  /** Per batch time to regenerate after a restart, where each input stood once it first took it. */
  replayPositions = /* @__PURE__ */ new Map();
  nextStreamId = 0;
  rememberDuration;
  zeroTime;
  constructor(batchInterval, executor, owner) {
    if (batchInterval.milliseconds <= 0) throw new RivuletError("INVALID_ARGUMENT", "the batch interval must be positive");
    this.batchInterval = batchInterval;
    this.executor = executor;
    this.owner = owner;
  }
  get started() {
    return this.zeroTime !== void 0;
  }
  get numOutputs() {
    return this.outputs.length;
  }
  /** Fails once the context is started or stopped: `what` may only be set up before. */
  assertModifiable(what) {
    this.owner.assertModifiable(what);
  }
  /** A fresh id for a new stream; fails once the context is started or stopped. */
  newStreamId(what) {
    this.owner.assertModifiable(what);
    return this.nextStreamId++;
  }
  /** Registers every stream, in creation order (ids are creation order too). */
  track(stream) {
    this.streams.push(stream);
  }
  addInput(stream) {
    this.inputs.push(stream);
  }
  addOutput(stream, name, run, ending) {
    this.owner.assertModifiable("output operations");
    const description = `${name} of ${stream.op} (stream ${stream.id})`;
    this.outputs.push({ id: this.outputs.length, name, description, stream, run, ...ending ? { ending } : {} });
  }
  /** The context is stopping: outputs waiting on a consumer stop waiting. */
  interruptOutputs() {
    for (const out of this.outputs) out.ending?.interrupt?.();
  }
  /** After the last batch: outputs holding a stream open close it, or error it with `failure`. */
  async endOutputs(failure, report) {
    for (const out of this.outputs) await out.ending?.end(failure).catch(report);
  }
  /** Spark's `remember`: keep every stream's batches at least this long (for `slice`). */
  remember(duration) {
    this.owner.assertModifiable("a remember duration");
    if (this.rememberDuration) {
      throw new RivuletError("ILLEGAL_STATE", `the remember duration is already set (${this.rememberDuration}); it cannot be set again`);
    }
    this.rememberDuration = duration;
  }
  get startTime() {
    return this.zeroTime;
  }
  start(zeroTime) {
    this.zeroTime = zeroTime;
    for (const out of this.outputs) out.stream.initialize(zeroTime);
    for (const input of this.inputs) input.initialize(zeroTime);
    for (const out of this.outputs) out.stream.remember(this.rememberDuration ?? out.stream.slideDuration);
    if (this.rememberDuration) for (const input of this.inputs) input.remember(this.rememberDuration);
  }
  /** Records what an input took into its batch at `time`, for the batch's info. */
  reportInput(time, info) {
    let infos = this.inputInfos.get(time);
    if (!infos) this.inputInfos.set(time, infos = []);
    infos.push(info);
  }
  /** Records where an input's source stood once it took the batch at `time`. */
  recordPosition(time, streamId, position) {
    let at = this.positions.get(time);
    if (!at) this.positions.set(time, at = /* @__PURE__ */ new Map());
    at.set(streamId, position);
  }
  /**
   * After a restart: where each input stood once it first took the batches to be made again, so
   * that they take exactly that (`InputSource.takeUntil`).
   */
  replayFrom(positions) {
    for (const [time, at] of positions) this.replayPositions.set(time, at);
  }
  /** Where the input `streamId` stood once it first took the batch at `time`, if recorded. */
  replayPosition(time, streamId) {
    const at = this.replayPositions.get(time);
    return at?.has(streamId) ? { position: at.get(streamId) } : void 0;
  }
  /**
   * Where each input stood once the batch at `time` was taken (its latest position at or before
   * it). Kept for every batch until it completes, however many are pending, so a checkpoint of a
   * batch never pairs its state with another batch's positions.
   */
  positionsAt(time) {
    const out = /* @__PURE__ */ new Map();
    const times = [...this.positions.keys()].filter((t) => t <= time).sort((a, b) => a - b);
    for (const t of times) for (const [id, p] of this.positions.get(t)) out.set(id, p);
    return out;
  }
  /** The input info of `time`, forgotten once read. */
  takeInputInfo(time) {
    const infos = this.inputInfos.get(time) ?? [];
    this.inputInfos.delete(time);
    return infos;
  }
  /**
   * The jobs of `time`, one per output operation with a batch then. Inputs take their records
   * first, whether or not an output reads them, so data is never left behind for a later batch.
   */
  generateJobs(time) {
    for (const input of this.inputs) input.getOrCompute(time);
    const jobs = [];
    for (const out of this.outputs) {
      const batch = out.stream.getOrCompute(time);
      if (batch) jobs.push({ time, outputOpId: out.id, name: out.name, description: out.description, run: () => out.run(batch, time) });
    }
    return jobs;
  }
  // ---- checkpoints ---------------------------------------------------------------------------
  /** The operators of the streams that cannot run without a checkpoint store. */
  streamsNeedingCheckpoint() {
    return this.streams.filter((s) => s.mustCheckpoint).map((s) => s.op);
  }
  /**
   * Whether a checkpoint is due after the batch at `time`: when any checkpointed stream's
   * interval divides the time since start; every batch when no stream's data is checkpointed
   * (the checkpoint then holds only where the inputs are).
   */
  checkpointDue(time) {
    const since = time - (this.zeroTime ?? 0);
    let any = false;
    for (const s of this.streams) {
      const every = s.checkpointInterval;
      if (!every) continue;
      any = true;
      if (since % every.milliseconds === 0) return true;
    }
    return !any;
  }
  /** The checkpointed streams' batches up to `time`, materialised, by stream id. */
  async checkpointData(time) {
    const out = [];
    for (const s of this.streams) if (s.checkpointInterval) s.makeUpTo(time);
    for (const s of this.streams) if (s.checkpointInterval) out.push([s.id, await s.checkpointData(time)]);
    return out;
  }
  /** Puts checkpointed batches back into their streams. */
  restore(data) {
    for (const [id, entries2] of data) {
      const stream = this.streams[id];
      if (!stream) throw new RivuletError("CHECKPOINT_MISMATCH", `the checkpoint holds data of stream ${id}, which this graph does not have`);
      stream.restoreCheckpointData(entries2);
    }
  }
  /**
   * What identifies the graph across restarts: every stream's operator, slide and inputs, every
   * output, and the batch interval. Functions cannot be compared, so two graphs differing only in
   * the functions they apply have the same fingerprint.
   */
  fingerprint() {
    const parts = [`interval=${this.batchInterval.milliseconds}`];
    for (const s of this.streams) parts.push(`${s.id}:${s.op}:${s.slideDuration.milliseconds}:[${s.dependencies.map((d) => d.id).join(",")}]`);
    for (const o of this.outputs) parts.push(`out${o.id}:${o.name}:${o.stream.id}`);
    const text = parts.join(";");
    return `${murmur3String(text).toString(16).padStart(8, "0")}${murmur3String(text, 2538058380).toString(16).padStart(8, "0")}`;
  }
  // ---- a copy of the graph in a worker ----------------------------------------------------
  /** The stream with this id (ids are creation order, the same in every copy of a graph). */
  stream(id) {
    const stream = this.streams[id];
    if (!stream) throw new RivuletError("INVALID_ARGUMENT", `this graph has no stream ${id}`);
    return stream;
  }
  /** The ids of the input streams. */
  inputIds() {
    return this.inputs.map((s) => s.id);
  }
  /** Forgets every batch of every stream. */
  forgetAll() {
    for (const s of this.streams) s.forgetAll();
  }
  clearMetadata(time) {
    for (const t of this.replayPositions.keys()) if (t <= time) this.replayPositions.delete(t);
    const older = [...this.positions.keys()].filter((t) => t < time).sort((a, b) => b - a);
    for (const t of older) {
      const carried = this.positions.get(t);
      const next = this.positions.get(time) ?? /* @__PURE__ */ new Map();
      for (const [id, p] of carried) if (!next.has(id)) next.set(id, p);
      this.positions.set(time, next);
      this.positions.delete(t);
    }
    for (const out of this.outputs) out.stream.clearMetadata(time);
    for (const input of this.inputs) input.clearMetadata(time);
  }
};

// src/dstream/input.ts
var InputComputation = class {
  dependencies = [];
  slideDuration;
  streamId = -1;
  graph;
  source;
  lastTaken = -Infinity;
  constructor(graph, source) {
    this.graph = graph;
    this.source = source;
    this.slideDuration = graph.batchInterval;
  }
  compute(time) {
    if (time <= this.lastTaken) return Batch.fromPartitions([], this.graph.executor);
    this.lastTaken = time;
    const replay = this.source.takeUntil ? this.graph.replayPosition(time, this.streamId) : void 0;
    const taken = replay ? this.source.takeUntil(time, replay.position) : this.source.take(time);
    if (this.source.position) this.graph.recordPosition(time, this.streamId, this.source.position());
    const records = taken.chunked ? [].concat(...taken.records) : taken.records;
    const lazy = taken.lazy;
    this.graph.reportInput(time, {
      inputStreamId: this.streamId,
      name: this.source.name,
      numRecords: records.length + (lazy?.count ?? 0),
      metadata: taken.metadata ?? {}
    });
    const { executor } = this.graph;
    if (!lazy) return Batch.fromRecords(records, executor.parallelism, executor);
    let released = false;
    const name = this.source.name;
    const batch = Batch.deferred(executor.parallelism, executor, async () => {
      if (released) {
        throw new RivuletError(
          "ILLEGAL_STATE",
          `the ${name} batch of ${time} ms was released when its stream stopped remembering it, before its records were read; read a batch within its output operation, or keep it longer with ssc.remember(duration)`
        );
      }
      const all = records.length === 0 ? lazy.load() : [...records, ...lazy.load()];
      return slice(all, executor.parallelism);
    });
    const release = lazy.release;
    if (release) {
      batch.onRelease(() => {
        released = true;
        release();
      });
    }
    if (records.length === 0 && lazy.utf8Lines) {
      batch.utf8Lines = lazy.utf8Lines;
      batch.utf8Segments = lazy.utf8Segments;
    }
    return batch;
  }
};

// src/core/shared-memory.ts
function sharedMemoryUsable() {
  return typeof SharedArrayBuffer === "function" && globalThis.crossOriginIsolated !== false;
}
function isSharedView(view) {
  return typeof SharedArrayBuffer === "function" && view.buffer instanceof SharedArrayBuffer;
}
var sharedDecodes;
function decodable(bytes2) {
  if (!isSharedView(bytes2)) return bytes2;
  if (sharedDecodes === void 0) {
    try {
      new TextDecoder().decode(new Uint8Array(new SharedArrayBuffer(1)));
      sharedDecodes = true;
    } catch {
      sharedDecodes = false;
    }
  }
  return sharedDecodes ? bytes2 : bytes2.slice();
}

// src/engine/kernels/columnar.ts
var encoder = new TextEncoder();
var decoder = new TextDecoder("utf-8", { ignoreBOM: true });
var fatalDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
var SLICE_VIEW_MIN = 13;
function utf8Length(s) {
  let n = 0;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) n += 1;
    else if (c < 2048) n += 2;
    else if (c >= 55296 && c <= 56319 && i + 1 < len) {
      const d = s.charCodeAt(i + 1);
      if (d >= 56320 && d <= 57343) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
var ENCODE_INTO_MIN = 64;
function writeUtf8(s, bytes2, pos) {
  const len = s.length;
  if (len >= ENCODE_INTO_MIN) return pos + encoder.encodeInto(s, bytes2.subarray(pos)).written;
  for (let j = 0; j < len; j++) {
    let c = s.charCodeAt(j);
    if (c < 128) {
      bytes2[pos++] = c;
    } else if (c < 2048) {
      bytes2[pos++] = 192 | c >> 6;
      bytes2[pos++] = 128 | c & 63;
    } else {
      if (c >= 55296 && c <= 57343) {
        const d = j + 1 < len ? s.charCodeAt(j + 1) : 0;
        if (c <= 56319 && d >= 56320 && d <= 57343) {
          c = 65536 + (c - 55296 << 10) + (d - 56320);
          j++;
          bytes2[pos++] = 240 | c >> 18;
          bytes2[pos++] = 128 | c >> 12 & 63;
          bytes2[pos++] = 128 | c >> 6 & 63;
          bytes2[pos++] = 128 | c & 63;
          continue;
        }
        c = 65533;
      }
      bytes2[pos++] = 224 | c >> 12;
      bytes2[pos++] = 128 | c >> 6 & 63;
      bytes2[pos++] = 128 | c & 63;
    }
  }
  return pos;
}
var JOIN_MIN_AVERAGE = 16;
function encodeStrings(keys) {
  let units = 0;
  for (let i = 0; i < keys.length; i++) units += keys[i].length;
  return units >= JOIN_MIN_AVERAGE * keys.length ? encodeStringsJoined(keys, units) : encodeStringsLoop(keys, units);
}
function encodeStringsLoop(keys, units) {
  const n = keys.length;
  const offsets = new Uint32Array(n + 1);
  let bytes2 = new Uint8Array(units);
  let pos = 0;
  let i = 0;
  ascii: for (; i < n; i++) {
    const s = keys[i];
    const len = s.length;
    if (len >= ENCODE_INTO_MIN) {
      const r = encoder.encodeInto(s, bytes2.subarray(pos, pos + len));
      if (r.read !== len || r.written !== len) break;
    } else {
      for (let j = 0; j < len; j++) {
        const c = s.charCodeAt(j);
        if (c >= 128) break ascii;
        bytes2[pos + j] = c;
      }
    }
    pos += len;
    offsets[i + 1] = pos;
  }
  if (i < n) {
    const room = new Uint8Array(pos + 3 * (units - pos));
    room.set(bytes2.subarray(0, pos));
    for (; i < n; i++) {
      pos = writeUtf8(keys[i], room, pos);
      offsets[i + 1] = pos;
    }
    bytes2 = room.length - pos > room.length >> 2 ? room.slice(0, pos) : room.subarray(0, pos);
  }
  return { kind: "string", bytes: bytes2, offsets };
}
function encodeStringsJoined(keys, units) {
  const n = keys.length;
  const offsets = new Uint32Array(n + 1);
  const joined2 = n === 1 ? keys[0] : keys.join("");
  let bytes2 = new Uint8Array(units);
  const r = encoder.encodeInto(joined2, bytes2);
  if (r.read === units && r.written === units) {
    let pos = 0;
    for (let i = 0; i < n; i++) offsets[i + 1] = pos += keys[i].length;
    return { kind: "string", bytes: bytes2, offsets };
  }
  let total = 0;
  for (let i = 0; i < n; i++) offsets[i + 1] = total += utf8Length(keys[i]);
  bytes2 = new Uint8Array(total);
  const all = encoder.encodeInto(joined2, bytes2);
  if (all.read !== units || all.written !== total) {
    let pos = 0;
    for (let i = 0; i < n; i++) pos = writeUtf8(keys[i], bytes2, pos);
  }
  return { kind: "string", bytes: bytes2, offsets };
}
function encodeNumbers(keys) {
  return { kind: "number", keys: Float64Array.from(keys) };
}
function encodeKeys(keys) {
  const n = keys.length;
  if (n === 0) return { kind: "string", bytes: new Uint8Array(0), offsets: new Uint32Array(1) };
  const kind = typeof keys[0];
  if (kind !== "string" && kind !== "number") return void 0;
  for (let i = 1; i < n; i++) if (typeof keys[i] !== kind) return void 0;
  return kind === "string" ? encodeStrings(keys) : encodeNumbers(keys);
}
function encodeValues(values) {
  const n = values.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== "number") return void 0;
    out[i] = v;
  }
  return out;
}
var LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function encodeColumns(keys, values) {
  if (typeof keys[0] === "string" && keys.some((k) => typeof k === "string" && LONE_SURROGATE.test(k))) return void 0;
  const column = encodeKeys(keys);
  const numbers = column && encodeValues(values);
  return column && numbers ? { keys: column, values: numbers } : void 0;
}
function decodeStrings(bytes2, offsets) {
  const n = offsets.length - 1;
  const out = [];
  if (n <= 0) return out;
  const base = offsets[0];
  const end = offsets[n];
  if (end - base >= SLICE_VIEW_MIN * n) return decodeEach(bytes2, offsets, out);
  let text;
  try {
    text = fatalDecoder.decode(bytes2.subarray(base, end));
  } catch {
    return decodeEach(bytes2, offsets, out);
  }
  if (text.length === end - base) {
    for (let i = 0; i < n; i++) {
      const from = offsets[i];
      const to = offsets[i + 1];
      out.push(to - from < SLICE_VIEW_MIN ? text.slice(from - base, to - base) : decoder.decode(bytes2.subarray(from, to)));
    }
    return out;
  }
  let unit = 0;
  for (let i = 0; i < n; i++) {
    const from = offsets[i];
    const to = offsets[i + 1];
    let units = 0;
    for (let b = from; b < to; b++) {
      const x = bytes2[b];
      if ((x & 192) !== 128) units += x >= 240 ? 2 : 1;
    }
    out.push(units < SLICE_VIEW_MIN ? text.slice(unit, unit + units) : decoder.decode(bytes2.subarray(from, to)));
    unit += units;
  }
  return out;
}
function decodeEach(bytes2, offsets, out) {
  const n = offsets.length - 1;
  for (let i = 0; i < n; i++) out.push(decoder.decode(bytes2.subarray(offsets[i], offsets[i + 1])));
  return out;
}
function decodeKeys(keys) {
  return keys.kind === "string" ? decodeStrings(keys.bytes, keys.offsets) : Array.from(keys.keys);
}
function keyCount(keys) {
  return keys.kind === "string" ? keys.offsets.length - 1 : keys.keys.length;
}
function aggregateEntries(aggregate2) {
  return columnEntries(aggregate2.keys, aggregate2.values);
}
function columnEntries(keyColumn, values) {
  const keys = decodeKeys(keyColumn);
  const out = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = [keys[i], values[i]];
  return out;
}

// src/engine/kernels/reference.ts
function checkPartitions2(numPartitions) {
  if (!Number.isInteger(numPartitions) || numPartitions < 1 || numPartitions > 2147483647) {
    throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  }
}
function checkKeys(keys) {
  if (keys.kind === "number") return keys.keys.length;
  const { bytes: bytes2, offsets } = keys;
  const n = offsets.length - 1;
  if (n < 0) throw new RangeError("a string key column needs at least one offset");
  if (offsets[0] > offsets[n] || offsets[n] > bytes2.length) {
    throw new RangeError(`string key offsets [${offsets[0]}, ${offsets[n]}] out of the ${bytes2.length} key bytes`);
  }
  return n;
}
function checkValues(n, values) {
  if (values.length !== n) throw new RangeError(`${n} keys but ${values.length} values`);
}
function bytesId(bytes2, from, to) {
  let s = "";
  for (let i = from; i < to; i += 8192) {
    s += String.fromCharCode.apply(null, bytes2.subarray(i, Math.min(i + 8192, to)));
  }
  return s;
}
function canonicalNumber(x) {
  return x === 0 ? 0 : Number.isNaN(x) ? NaN : x;
}
function fold(op, a, b) {
  return op === "sum" ? a + b : op === "min" ? Math.min(a, b) : Math.max(a, b);
}
function newTable(kind) {
  return { kind, sources: [], values: [], hashes: [], index: /* @__PURE__ */ new Map() };
}
function entryOf(table, keys, i, hash) {
  let id;
  let source;
  if (keys.kind === "string") {
    const from = keys.offsets[i];
    const to = keys.offsets[i + 1];
    id = bytesId(keys.bytes, from, to);
    source = [keys.bytes, from, to];
  } else {
    id = canonicalNumber(keys.keys[i]);
    source = id;
  }
  const e = table.index.get(id);
  if (e !== void 0) return [e, false];
  const created = table.sources.length;
  table.index.set(id, created);
  table.sources.push(source);
  table.values.push(0);
  table.hashes.push(hash());
  return [created, true];
}
function hashOf(keys, i) {
  return keys.kind === "string" ? murmur3Bytes(keys.bytes, 0, keys.offsets[i], keys.offsets[i + 1]) : hashKey(keys.keys[i]);
}
function aggregateOf(table, entries2) {
  const n = entries2.length;
  const values = new Float64Array(n);
  const hashes = new Uint32Array(n);
  for (let j = 0; j < n; j++) {
    values[j] = table.values[entries2[j]];
    hashes[j] = table.hashes[entries2[j]];
  }
  if (table.kind === "number") {
    const keys = new Float64Array(n);
    for (let j = 0; j < n; j++) keys[j] = table.sources[entries2[j]];
    return { keys: { kind: "number", keys }, values, hashes };
  }
  const offsets = new Uint32Array(n + 1);
  let total = 0;
  for (let j = 0; j < n; j++) {
    const [, from, to] = table.sources[entries2[j]];
    offsets[j + 1] = total += to - from;
  }
  const bytes2 = new Uint8Array(total);
  for (let j = 0; j < n; j++) {
    const [src, from, to] = table.sources[entries2[j]];
    bytes2.set(src.subarray(from, to), offsets[j]);
  }
  return { keys: { kind: "string", bytes: bytes2, offsets }, values, hashes };
}
function partitionTable(table, numPartitions) {
  const groups = Array.from({ length: numPartitions }, () => []);
  for (let e = 0; e < table.hashes.length; e++) groups[table.hashes[e] % numPartitions].push(e);
  return groups.map((entries2) => aggregateOf(table, entries2));
}
function reduceTable(keys, values, op) {
  const n = checkKeys(keys);
  if (values !== void 0) checkValues(n, values);
  const table = newTable(keys.kind);
  for (let i = 0; i < n; i++) {
    const [e, created] = entryOf(table, keys, i, () => hashOf(keys, i));
    if (op === "count") table.values[e] = created ? 1 : table.values[e] + 1;
    else table.values[e] = created ? values[i] : fold(op, table.values[e], values[i]);
  }
  return table;
}
var WIDE_SPACES = [
  [194, 133],
  [194, 160],
  [225, 154, 128],
  ...Array.from({ length: 11 }, (_, k) => [226, 128, 128 + k]),
  [226, 128, 168],
  [226, 128, 169],
  [226, 128, 175],
  [226, 129, 159],
  [227, 128, 128]
];
function spaceAt(bytes2, i) {
  const b = bytes2[i];
  if (b === 32 || b >= 9 && b <= 13) return 1;
  for (const seq of WIDE_SPACES) {
    if (i + seq.length <= bytes2.length && seq.every((x, k) => bytes2[i + k] === x)) return seq.length;
  }
  return 0;
}
var referenceKernels = {
  kind: "reference",
  memoryLimitBytes: Infinity,
  memoryBytes() {
    return 0;
  },
  hash(keys) {
    const n = checkKeys(keys);
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = hashOf(keys, i);
    return out;
  },
  partition(keys, numPartitions) {
    checkPartitions2(numPartitions);
    const hashes = this.hash(keys);
    const n = hashes.length;
    const partitionOf = new Uint32Array(n);
    const starts = new Uint32Array(numPartitions + 1);
    for (let i = 0; i < n; i++) {
      partitionOf[i] = hashes[i] % numPartitions;
      starts[partitionOf[i] + 1]++;
    }
    for (let p = 0; p < numPartitions; p++) starts[p + 1] += starts[p];
    const cursor = starts.slice(0, numPartitions);
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[cursor[partitionOf[i]]++] = i;
    return { partitionOf, order, starts };
  },
  reduceByKey(keys, values, op, numPartitions) {
    checkPartitions2(numPartitions);
    return partitionTable(reduceTable(keys, values, op), numPartitions);
  },
  countByKey(keys, numPartitions) {
    checkPartitions2(numPartitions);
    return partitionTable(reduceTable(keys, void 0, "count"), numPartitions);
  },
  merge(parts, op) {
    const kind = parts.length === 0 ? "string" : parts[0].keys.kind;
    const table = newTable(kind);
    const how = op === "count" ? "sum" : op;
    for (const part of parts) {
      if (part.keys.kind !== kind) throw new TypeError("merge: parts mix string and number keys");
      const n = checkKeys(part.keys);
      checkValues(n, part.values);
      if (part.hashes.length !== n) throw new RangeError(`merge: ${n} keys but ${part.hashes.length} hashes`);
      for (let i = 0; i < n; i++) {
        const [e, created] = entryOf(table, part.keys, i, () => part.hashes[i]);
        table.values[e] = created ? part.values[i] : fold(how, table.values[e], part.values[i]);
      }
    }
    return aggregateOf(table, table.hashes.map((_, e) => e));
  },
  wordCount(pieces, numPartitions) {
    checkPartitions2(numPartitions);
    const text = pieces instanceof Uint8Array ? pieces : concatBytes(pieces);
    const bounds = [];
    let i = 0;
    while (i < text.length) {
      const space = spaceAt(text, i);
      if (space > 0) {
        i += space;
        continue;
      }
      const start = i;
      while (i < text.length && spaceAt(text, i) === 0) i++;
      bounds.push(start, i);
    }
    const table = newTable("string");
    for (let t = 0; t < bounds.length; t += 2) {
      const from = bounds[t];
      const to = bounds[t + 1];
      const token = { kind: "string", bytes: text, offsets: Uint32Array.of(from, to) };
      const [e, created] = entryOf(table, token, 0, () => murmur3Bytes(text, 0, from, to));
      table.values[e] = created ? 1 : table.values[e] + 1;
    }
    return partitionTable(table, numPartitions);
  }
};
function concatBytes(parts) {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// src/engine/kernels/errors.ts
var KernelMemoryError = class extends RivuletError {
  name = "KernelMemoryError";
  /** The configured maximum of linear memory, in bytes. */
  limitBytes;
  /** The linear memory size, in bytes, that the failed call needed. */
  requestedBytes;
  /** The kernel that failed, e.g. "wordCount". */
  kernel;
  constructor(kernel, limitBytes, requestedBytes) {
    const refused = requestedBytes <= limitBytes;
    super(
      "MEMORY_LIMIT",
      refused ? `WASM kernel ${kernel}: the engine refused to grow linear memory to ${requestedBytes} bytes (below the limit of ${limitBytes} bytes, maxMemoryBytes)` : `WASM kernel ${kernel} needs ${requestedBytes} bytes of linear memory, over the limit of ${limitBytes} bytes (maxMemoryBytes); use smaller batches or raise the limit`
    );
    this.limitBytes = limitBytes;
    this.requestedBytes = requestedBytes;
    this.kernel = kernel;
  }
};
var KernelError = class extends Error {
  name = "KernelError";
  kernel;
  constructor(kernel, message2, options) {
    super(`WASM kernel ${kernel}: ${message2}`, options);
    this.kernel = kernel;
  }
};

// src/engine/kernels/wasm.ts
var DEFAULT_MAX_MEMORY_BYTES = 1 << 30;
var ERR_MEMORY = 1;
var ERR_ABORT = 2;
var ERR_ARGUMENT = 3;
var OPS = { sum: 0, min: 1, max: 2, count: 3 };
var EXPORTED_FUNCTIONS = [
  "alloc",
  "reset",
  "setMemoryLimit",
  "memoryLimit",
  "errorCode",
  "errorBytes",
  "arenaHighWater",
  "murmur3Range",
  "hashStrings",
  "hashNumbers",
  "partitionHashes",
  "reduceStrings",
  "reduceNumbers",
  "mergeStrings",
  "mergeNumbers",
  "wordCount"
];
function asKernelExports(exports) {
  if (!(exports["memory"] instanceof WebAssembly.Memory)) throw new TypeError("kernels.wasm exports no memory");
  for (const name of EXPORTED_FUNCTIONS) {
    if (typeof exports[name] !== "function") throw new TypeError(`kernels.wasm lacks the export ${name}`);
  }
  return exports;
}
var WasmKernels = class {
  kind = "wasm";
  memoryLimitBytes;
  #x;
  constructor(instance, options = {}) {
    this.#x = asKernelExports(instance.exports);
    const limit = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
    if (!(limit > 0)) throw new RangeError(`maxMemoryBytes must be positive, got ${limit}`);
    this.#x.setMemoryLimit(Math.min(limit, 2 ** 32));
    this.memoryLimitBytes = this.#x.memoryLimit();
  }
  memoryBytes() {
    return this.#x.memory.buffer.byteLength;
  }
  /** MurmurHash3_x86_32 of `bytes` with `seed`, in WASM (for the published test vectors). */
  murmur3(bytes2, seed = 0) {
    return this.#run("murmur3", () => this.#x.murmur3Range(this.#put(bytes2), bytes2.length, seed) >>> 0);
  }
  hash(keys) {
    const n = checkKeys(keys);
    return this.#run("hash", () => {
      const out = this.#hashInto(keys, n);
      return this.#u32(out, n).slice();
    });
  }
  partition(keys, numPartitions) {
    const n = checkKeys(keys);
    checkPartitions2(numPartitions);
    return this.#run("partition", () => {
      const hashes = this.#hashInto(keys, n);
      const part = this.#alloc(n * 4);
      const order = this.#alloc(n * 4);
      const starts = this.#alloc((numPartitions + 1) * 4);
      this.#x.partitionHashes(hashes, n, numPartitions, part, order, starts);
      return {
        partitionOf: this.#u32(part, n).slice(),
        order: this.#u32(order, n).slice(),
        starts: this.#u32(starts, numPartitions + 1).slice()
      };
    });
  }
  reduceByKey(keys, values, op, numPartitions) {
    const n = checkKeys(keys);
    checkValues(n, values);
    checkPartitions2(numPartitions);
    if (op !== "sum" && op !== "min" && op !== "max") throw new TypeError(`reduceByKey: unknown reducer ${String(op)}`);
    return this.#reduce("reduceByKey", keys, n, values, OPS[op], numPartitions);
  }
  countByKey(keys, numPartitions) {
    const n = checkKeys(keys);
    checkPartitions2(numPartitions);
    return this.#reduce("countByKey", keys, n, void 0, OPS.count, numPartitions);
  }
  merge(parts, op) {
    const code = OPS[op];
    if (code === void 0) throw new TypeError(`merge: unknown op ${String(op)}`);
    if (parts.length === 0) {
      return { keys: { kind: "string", bytes: new Uint8Array(0), offsets: new Uint32Array(1) }, values: new Float64Array(0), hashes: new Uint32Array(0) };
    }
    const kind = parts[0].keys.kind;
    for (const part of parts) {
      if (part.keys.kind !== kind) throw new TypeError("merge: parts mix string and number keys");
      const n = checkKeys(part.keys);
      checkValues(n, part.values);
      if (part.hashes.length !== n) throw new RangeError(`merge: ${n} keys but ${part.hashes.length} hashes`);
    }
    return this.#run("merge", () => {
      const words2 = kind === "string" ? 5 : 4;
      const table = this.#alloc(parts.length * words2 * 4);
      const descriptors = new Uint32Array(parts.length * words2);
      parts.forEach((part, j) => {
        const d = j * words2;
        const keys = part.keys;
        descriptors[d] = keyCount(keys);
        if (keys.kind === "string") {
          descriptors[d + 1] = this.#put(keys.bytes);
          descriptors[d + 2] = this.#put(keys.offsets);
          descriptors[d + 3] = this.#put(part.hashes);
          descriptors[d + 4] = this.#put(part.values);
        } else {
          descriptors[d + 1] = this.#put(keys.keys);
          descriptors[d + 2] = this.#put(part.hashes);
          descriptors[d + 3] = this.#put(part.values);
        }
      });
      this.#u32(table, descriptors.length).set(descriptors);
      const header = kind === "string" ? this.#x.mergeStrings(table, parts.length, code) : this.#x.mergeNumbers(table, parts.length, code);
      return this.#read(header >>> 0, kind)[0];
    });
  }
  wordCount(text, numPartitions) {
    checkPartitions2(numPartitions);
    return this.#run("wordCount", () => {
      const parts = text instanceof Uint8Array ? [text] : text;
      const length = parts.reduce((n, part) => n + part.length, 0);
      const ptr = parts.length === 1 ? this.#put(parts[0]) : this.#putParts(parts, length);
      return this.#read(this.#x.wordCount(ptr, length, numPartitions) >>> 0, "string");
    });
  }
  #reduce(name, keys, n, values, op, numPartitions) {
    return this.#run(name, () => {
      const vals = values === void 0 ? 0 : this.#put(values);
      let header;
      if (keys.kind === "string") {
        const bytes2 = this.#put(keys.bytes);
        const offsets = this.#put(keys.offsets);
        header = this.#x.reduceStrings(bytes2, offsets, vals, n, op, numPartitions);
      } else {
        header = this.#x.reduceNumbers(this.#put(keys.keys), vals, n, op, numPartitions);
      }
      return this.#read(header >>> 0, keys.kind);
    });
  }
  /** Runs one kernel call between arena resets, mapping traps to typed errors. */
  #run(name, body) {
    const x = this.#x;
    x.reset();
    try {
      return body();
    } catch (error) {
      const code = x.errorCode();
      if (code === ERR_MEMORY) throw new KernelMemoryError(name, this.memoryLimitBytes, x.errorBytes());
      if (code === ERR_ARGUMENT) throw new KernelError(name, "invalid arguments", { cause: error });
      if (code === ERR_ABORT || error instanceof WebAssembly.RuntimeError) {
        throw new KernelError(name, `trapped: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      throw error;
    } finally {
      x.reset();
    }
  }
  #alloc(size) {
    return this.#x.alloc(size) >>> 0;
  }
  /** Copies a typed array into the arena; returns its address. */
  #put(data) {
    const skew = data instanceof Uint8Array ? 8 : 0;
    const base = this.#alloc(data.byteLength + skew);
    const ptr = skew === 0 ? base : base + (data.byteOffset - base & 7);
    new Uint8Array(this.#x.memory.buffer, ptr, data.byteLength).set(
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    );
    return ptr;
  }
  /**
   * Pieces of bytes copied one after the other into the arena; returns the address of the first.
   * Aligned as `#put` for each piece whose offset modulo 8 follows on from the previous one's end
   * (pieces cut from one text and placed so, as a text stream's segments are).
   */
  #putParts(parts, length) {
    const base = this.#alloc(length + 8);
    const ptr = base + (parts[0].byteOffset - base & 7);
    const memory = new Uint8Array(this.#x.memory.buffer);
    let at = ptr;
    for (const part of parts) {
      memory.set(part, at);
      at += part.length;
    }
    return ptr;
  }
  #u32(ptr, n) {
    return new Uint32Array(this.#x.memory.buffer, ptr, n);
  }
  /** Hashes the keys into the arena; returns the address of the u32 hashes. */
  #hashInto(keys, n) {
    if (keys.kind === "string") {
      const bytes2 = this.#put(keys.bytes);
      const offsets = this.#put(keys.offsets);
      const out2 = this.#alloc(n * 4);
      this.#x.hashStrings(bytes2, offsets, n, out2);
      return out2;
    }
    const ptr = this.#put(keys.keys);
    const out = this.#alloc(n * 4);
    this.#x.hashNumbers(ptr, n, out);
    return out;
  }
  /** Copies a kernel's output (see the header layout in assembly/aggregate.ts) out of memory. */
  #read(header, kind) {
    const buffer = this.#x.memory.buffer;
    const h = new Uint32Array(buffer, header, 8);
    const numPartitions = h[1];
    const partStart = new Uint32Array(buffer, h[2], numPartitions + 1);
    const hashes = new Uint32Array(buffer, h[3], h[0]);
    const values = new Float64Array(buffer, h[4], h[0]);
    const out = [];
    if (kind === "number") {
      const keys = new Float64Array(buffer, h[6], h[0]);
      for (let p = 0; p < numPartitions; p++) {
        const from = partStart[p];
        const to = partStart[p + 1];
        out.push({
          keys: { kind: "number", keys: keys.slice(from, to) },
          values: values.slice(from, to),
          hashes: hashes.slice(from, to)
        });
      }
      return out;
    }
    const byteStart = new Uint32Array(buffer, h[7], numPartitions + 1);
    const offsets = new Uint32Array(buffer, h[5], h[0] + numPartitions);
    const bytes2 = new Uint8Array(buffer, h[6], byteStart[numPartitions]);
    for (let p = 0; p < numPartitions; p++) {
      const from = partStart[p];
      const to = partStart[p + 1];
      out.push({
        keys: {
          kind: "string",
          bytes: bytes2.slice(byteStart[p], byteStart[p + 1]),
          offsets: offsets.slice(from + p, to + p + 1)
        },
        values: values.slice(from, to),
        hashes: hashes.slice(from, to)
      });
    }
    return out;
  }
};
async function instantiateKernels(source, options = {}) {
  const instance = source instanceof WebAssembly.Module ? await WebAssembly.instantiate(source, {}) : (await WebAssembly.instantiate(source, {})).instance;
  return new WasmKernels(instance, options);
}

// src/engine/kernels/load.ts
async function kernelsWasmBytes2() {
  const generated = await Promise.resolve().then(() => (init_kernels_wasm(), kernels_wasm_exports));
  return generated.kernelsWasmBytes();
}
async function compileKernels() {
  return WebAssembly.compile(await kernelsWasmBytes2());
}
async function loadKernels(options = {}) {
  const implementation = options.implementation ?? "auto";
  if (implementation === "reference") return referenceKernels;
  try {
    if (typeof WebAssembly !== "object") throw new Error("WebAssembly is not available");
    return await instantiateKernels(options.module ?? await kernelsWasmBytes2(), options);
  } catch (error) {
    if (implementation === "wasm") throw error;
    options.onFallback?.(error);
    return referenceKernels;
  }
}

// src/engine/local-executor.ts
var LocalExecutor = class {
  parallelism;
  constructor(parallelism) {
    this.parallelism = parallelism;
  }
  async combineByKey(input, aggregator, partitioner, mapSideCombine) {
    const buckets = input.map((feed) => mapSide(feed, aggregator, partitioner, mapSideCombine));
    return reduceSide(buckets, aggregator.mergeCombiners, partitioner.numPartitions);
  }
  async cogroup(inputs, partitioner, inPlace = []) {
    const width = inputs.length;
    const groups = Array.from({ length: partitioner.numPartitions }, () => new KeyMap());
    inputs.forEach((partitions, side) => {
      const direct = inPlace[side] === true;
      for (let p = 0; p < partitions.length; p++) {
        const records = partitions[p];
        for (let i = 0; i < records.length; i++) {
          const r = records[i];
          const k = r[0];
          const target = groups[direct ? p : partitioner.getPartition(k)];
          let entry = target.get(k);
          if (entry === void 0) {
            entry = new Array(width);
            for (let j = 0; j < width; j++) entry[j] = [];
            target.set(k, entry);
          }
          entry[side].push(r[1]);
        }
      }
    });
    return groups.map((g) => {
      const records = [];
      g.forEach((values, k) => records.push([k, values]));
      return records;
    });
  }
};
function reduceSide(buckets, mergeCombiners, numPartitions) {
  const out = [];
  for (let p = 0; p < numPartitions; p++) {
    const merged = new KeyMap();
    for (const bucket of buckets) {
      bucket[p].forEach((combiner, key) => {
        const existing = merged.get(key);
        merged.set(key, existing !== void 0 || merged.has(key) ? mergeCombiners(existing, combiner) : combiner);
      });
    }
    const records = [];
    merged.forEach((c, k) => records.push([k, c]));
    out.push(records);
  }
  return out;
}
function foldTagged(feed, tag) {
  const slots = /* @__PURE__ */ new Map();
  const keys = [];
  const values = [];
  const pick = tag === "sum" ? (a, b) => a + b : tag === "min" ? Math.min : Math.max;
  let arrays;
  const fold2 = (r) => {
    const k = r[0];
    if (Array.isArray(k)) {
      arrays ??= new KeyMap();
      const box = arrays.get(k);
      if (box === void 0) arrays.set(k, { c: r[1] });
      else box.c = pick(box.c, r[1]);
      return;
    }
    const slot = slots.get(k);
    if (slot === void 0) {
      slots.set(k, keys.length);
      keys.push(k);
      values.push(r[1]);
    } else {
      values[slot] = pick(values[slot], r[1]);
    }
  };
  const records = feed.records;
  if (records) for (let i = 0; i < records.length; i++) fold2(records[i]);
  else feed(fold2);
  arrays?.forEach((box, k) => {
    keys.push(k);
    values.push(box.c);
  });
  return { keys, values };
}
function bucketsOf(folded, partitioner) {
  const out = Array.from({ length: partitioner.numPartitions }, () => new KeyMap());
  const { keys, values } = folded;
  for (let i = 0; i < keys.length; i++) out[partitioner.getPartition(keys[i])].set(keys[i], values[i]);
  return out;
}
function mapSide(feed, aggregator, partitioner, mapSideCombine) {
  const n = partitioner.numPartitions;
  const combining = mapSideCombine || n === 1;
  const tag = aggregator.reducerTag;
  if (combining && tag) return bucketsOf(foldTagged(feed, tag), partitioner);
  const { createCombiner, mergeValue } = aggregator;
  const combined = combining ? new KeyMap() : void 0;
  const buckets = combining ? [] : Array.from({ length: n }, () => new KeyMap());
  feed((r) => {
    const k = r[0];
    const target = combined ?? buckets[partitioner.getPartition(k)];
    const box = target.get(k);
    if (box === void 0) target.set(k, { c: createCombiner(r[1]) });
    else box.c = mergeValue(box.c, r[1]);
  });
  const out = Array.from({ length: combined && n > 1 ? n : combined ? 1 : n }, () => new KeyMap());
  if (!combined) {
    buckets.forEach((bucket, p) => bucket.forEach((box, k) => out[p].set(k, box.c)));
  } else if (n === 1) {
    combined.forEach((box, k) => out[0].set(k, box.c));
  } else {
    combined.forEach((box, k) => out[partitioner.getPartition(k)].set(k, box.c));
  }
  return out;
}

// src/engine/workers/pool.ts
var import_comlink = __toESM(require_comlink(), 1);

// src/engine/workers/protocol.ts
var isShared = (buffer) => typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer;
function add(into, view) {
  if (!isShared(view.buffer)) into.add(view.buffer);
}
function keyTransferables(keys, into = /* @__PURE__ */ new Set()) {
  if (keys.kind === "string") {
    add(into, keys.bytes);
    add(into, keys.offsets);
  } else {
    add(into, keys.keys);
  }
  return into;
}
function aggregateTransferables(aggregates) {
  const into = /* @__PURE__ */ new Set();
  for (const a of aggregates) {
    keyTransferables(a.keys, into);
    add(into, a.values);
    add(into, a.hashes);
  }
  return [...into];
}
function partTransferables(parts) {
  const into = /* @__PURE__ */ new Set();
  for (const part of parts) {
    if (part.kind !== "columns") continue;
    keyTransferables(part.keys, into);
    add(into, part.values);
  }
  return [...into];
}
function viewTransferables(views) {
  const into = /* @__PURE__ */ new Set();
  for (const v of views) if (v !== void 0) add(into, v);
  return [...into];
}
function absoluteNow() {
  return performance.timeOrigin + performance.now();
}

// src/engine/workers/buffers.ts
var MIN_RECYCLED_BYTES = 1 << 16;
var BufferCache = class {
  maxBytes;
  /** Which buffers this cache keeps: transferable ones, or shared ones. */
  shared;
  #free = [];
  #bytes = 0;
  constructor(maxBytes, shared = false) {
    this.maxBytes = maxBytes;
    this.shared = shared;
  }
  /** Bytes held now. */
  get bytes() {
    return this.#bytes;
  }
  /**
   * The smallest kept buffer of at least `byteLength` bytes and at most twice that (removed from
   * the cache), if any: a small array never takes (and carries off) a big buffer.
   */
  take(byteLength) {
    let best2 = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const size = this.#free[i].byteLength;
      if (size >= byteLength && size <= 2 * byteLength && (best2 < 0 || size < this.#free[best2].byteLength)) best2 = i;
    }
    if (best2 < 0) return void 0;
    const [buffer] = this.#free.splice(best2, 1);
    this.#bytes -= buffer.byteLength;
    return buffer;
  }
  /** Keeps `buffers` (detached, small ones or of the other kind are ignored), dropping the smallest beyond the budget. */
  give(buffers) {
    for (const b of buffers) {
      const shared = typeof SharedArrayBuffer !== "undefined" && b instanceof SharedArrayBuffer;
      if (shared !== this.shared || b.byteLength < MIN_RECYCLED_BYTES) continue;
      this.#free.push(b);
      this.#bytes += b.byteLength;
    }
    if (this.#bytes <= this.maxBytes) return;
    this.#free.sort((a, b) => b.byteLength - a.byteLength);
    while (this.#bytes > this.maxBytes && this.#free.length > 0) this.#bytes -= this.#free.pop().byteLength;
  }
  /** Drops everything. */
  clear() {
    this.#free = [];
    this.#bytes = 0;
  }
  /**
   * A copy of `view` in a buffer of its own (a recycled one when one is big enough), to be
   * transferred. Not `view.slice()`: V8's `slice` of a large typed array is several times slower
   * than allocating and `set` (Node 20, 30 MiB: 17 ms against 4.6 ms).
   */
  copy(view) {
    if (view instanceof Uint8Array) {
      const skew = view.byteOffset & 7;
      const room = this.allocate(new Uint8Array(0), view.byteLength + skew);
      const out2 = new Uint8Array(room.buffer, skew, view.byteLength);
      out2.set(view);
      return out2;
    }
    const out = this.allocate(view);
    out.set(view);
    return out;
  }
  /**
   * An array of the type and length of `like`, in a recycled buffer when one is big enough,
   * else in a new one (a `SharedArrayBuffer` for a shared cache). Its contents are unspecified.
   */
  allocate(like, length = like.length) {
    const Ctor = like.constructor;
    const byteLength = length * like.BYTES_PER_ELEMENT;
    const buffer = byteLength >= MIN_RECYCLED_BYTES ? this.take(byteLength) : void 0;
    if (buffer !== void 0) return new Ctor(buffer, 0, length);
    return this.shared ? new Ctor(new SharedArrayBuffer(byteLength), 0, length) : new Ctor(length);
  }
};

// src/engine/workers/pool.ts
var DEFAULT_MAX_TASK_FAILURES = 4;
var TaskFailedError = class extends RivuletError {
  name = "TaskFailedError";
  task;
  attempts;
  constructor(task, attempts, cause) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super("TASK_FAILED", `Task ${task} failed ${attempts} times; most recent failure: ${reason}`, { cause });
    this.task = task;
    this.attempts = attempts;
  }
};
var Slot = class {
  constructor(id, handle) {
    this.id = id;
    this.handle = handle;
    this.remote = (0, import_comlink.wrap)(handle.endpoint);
    this.death = new Promise((_, reject) => handle.onDeath(reject));
    this.death.catch(() => {
    });
  }
  id;
  handle;
  remote;
  /** Rejects with the worker's error when it dies (never resolves). */
  death;
  /** Resolves once the kernels are instantiated in the worker. */
  ready;
  dead = false;
};
var DEFAULT_MAX_RECYCLED_BYTES = 256 << 20;
var WorkerPool = class {
  size;
  /** Buffers to copy inputs into before transferring them (recycled from earlier tasks). */
  buffers;
  /** Shared buffers to copy inputs into for the `"shared"` transport (recycled from earlier shuffles). */
  sharedBuffers;
  maxTaskFailures;
  #options;
  #module;
  #live = /* @__PURE__ */ new Set();
  #idle = [];
  #waiters = [];
  #closing;
  #nextWorkerId = 0;
  #seq = 0;
  #spawned = 0;
  #kernelKind;
  constructor(options) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new RivuletError("INVALID_ARGUMENT", `worker pool size must be a positive integer, got ${options.size}`);
    }
    const maxFailures = options.maxTaskFailures ?? DEFAULT_MAX_TASK_FAILURES;
    if (!Number.isInteger(maxFailures) || maxFailures < 1) {
      throw new RivuletError("INVALID_ARGUMENT", `maxTaskFailures must be a positive integer, got ${maxFailures}`);
    }
    this.size = options.size;
    this.maxTaskFailures = maxFailures;
    this.buffers = new BufferCache(options.maxRecycledBytes ?? DEFAULT_MAX_RECYCLED_BYTES);
    this.sharedBuffers = new BufferCache(options.maxRecycledBytes ?? DEFAULT_MAX_RECYCLED_BYTES, true);
    this.#options = options;
  }
  /** True once `close()` has been called. */
  get closed() {
    return this.#closing !== void 0;
  }
  /** Workers started and not yet gone. */
  get liveWorkers() {
    return this.#live.size;
  }
  /**
   * The kernels the workers run, once one has started: `"wasm"`, or `"reference"` where the
   * workers could not instantiate the module (correct, but slower than the JS paths).
   */
  get kernelKind() {
    return this.#kernelKind;
  }
  /** Workers started since the pool was created (replacements included). */
  get spawnedWorkers() {
    return this.#spawned;
  }
  /**
   * Runs a task on the next idle worker (starting one if fewer than `size` run), retrying it
   * when it fails. Rejects with `TaskFailedError` after `maxTaskFailures` attempts, or with an
   * ILLEGAL_STATE `RivuletError` when the pool is (or gets) closed.
   */
  async run(task) {
    this.#checkOpen();
    const module = await this.#compiled();
    let lastError;
    for (let attempt = 1; attempt <= this.maxTaskFailures; attempt++) {
      let slot;
      try {
        slot = await this.#acquire();
      } catch (error) {
        this.#checkOpen();
        lastError = error;
        continue;
      }
      slot.handle.setBusy?.(true);
      try {
        slot.ready ??= slot.remote.init(module, this.#options.kernels ?? {}).then(
          (kind) => void (this.#kernelKind = kind),
          (error) => {
            void slot.handle.terminate();
            throw error;
          }
        );
        await Promise.race([slot.ready, slot.death]);
        const fault = this.#options.onTask?.({
          seq: this.#seq++,
          name: task.name,
          attempt,
          workerId: slot.id,
          terminateWorker: () => slot.handle.terminate()
        });
        const dispatchedAt = absoluteNow();
        const call = task.call(slot.remote, fault ? { fault } : {});
        const postedAt = absoluteNow();
        const reply = await Promise.race([call, slot.death]);
        const resolvedAt = absoluteNow();
        if (!this.closed) this.buffers.give(reply.spare);
        this.#release(slot);
        return { value: reply.value, timing: { dispatchedAt, postedAt, resolvedAt, ...reply.timing, attempts: attempt } };
      } catch (error) {
        lastError = error;
        this.#release(slot);
        this.#checkOpen();
        if (error instanceof Error && error.name === "KernelMemoryError") throw new RivuletError("MEMORY_LIMIT", error.message, { cause: error });
      }
    }
    throw new TaskFailedError(task.name, this.maxTaskFailures, lastError);
  }
  /** Terminates every worker and fails pending tasks. Idempotent; resolves once all are gone. */
  close() {
    this.#closing ??= (async () => {
      const closed = this.#closedError();
      for (const waiter of this.#waiters.splice(0)) waiter.reject(closed);
      this.#idle.length = 0;
      this.buffers.clear();
      this.sharedBuffers.clear();
      await Promise.all([...this.#live].map((slot) => slot.handle.terminate()));
    })();
    return this.#closing;
  }
  /** The module to post to workers; undefined where it cannot be compiled (workers then load the kernels themselves, or the reference). */
  #compiled() {
    const source = this.#options.module;
    const module = this.#module ??= (source === void 0 ? compileKernels() : typeof source === "function" ? source() : Promise.resolve(source)).catch(
      () => void 0
    );
    return module;
  }
  #acquire() {
    this.#checkOpen();
    const idle = this.#idle.pop();
    if (idle !== void 0) return Promise.resolve(idle);
    if (this.#live.size < this.size) return Promise.resolve(this.#spawn());
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }
  /** Back to the idle list (or to a waiting task), unless the worker is gone. */
  #release(slot) {
    slot.handle.setBusy?.(false);
    if (slot.dead || this.closed) return;
    const waiter = this.#waiters.shift();
    if (waiter !== void 0) {
      slot.handle.setBusy?.(true);
      waiter.resolve(slot);
    } else {
      this.#idle.push(slot);
    }
  }
  #spawn() {
    const slot = new Slot(this.#nextWorkerId++, this.#options.spawn());
    this.#spawned++;
    this.#live.add(slot);
    slot.handle.onDeath(() => this.#died(slot));
    return slot;
  }
  /** A worker is gone: forget it, and start its replacement if a task is waiting. */
  #died(slot) {
    slot.dead = true;
    this.#live.delete(slot);
    const at = this.#idle.indexOf(slot);
    if (at >= 0) this.#idle.splice(at, 1);
    if (!this.closed && this.#waiters.length > 0 && this.#live.size < this.size) {
      const waiter = this.#waiters.shift();
      try {
        const replacement = this.#spawn();
        replacement.handle.setBusy?.(true);
        waiter.resolve(replacement);
      } catch (error) {
        waiter.reject(error);
      }
    }
  }
  #checkOpen() {
    if (this.closed) throw this.#closedError();
  }
  #closedError() {
    return new RivuletError("ILLEGAL_STATE", "the worker pool has been closed");
  }
};

// src/engine/workers/shuffle.ts
var import_comlink2 = __toESM(require_comlink(), 1);
var LOCAL_MERGE_ENTRIES = 1 << 16;
var DEFAULT_MIN_SLICE_BYTES = 1 << 16;
var DEFAULT_MIN_SLICE_RECORDS = 8192;
var NEWLINE = 10;
async function parallelWordCount(pool, bytes2, numPartitions, options = {}) {
  checkPartitions3(numPartitions);
  const started = absoluteNow();
  const transport = transportOf(options);
  const slices = sliceCount(pool, bytes2.length, options.minSliceSize ?? DEFAULT_MIN_SLICE_BYTES);
  const segments = transport === "transfer" ? usableSegments(options.segments, bytes2.length) : void 0;
  const groups = segments && segmentGroups(segments, slices);
  const cuts = groups ? groups.map((g) => g.range) : lineCuts(bytes2, slices);
  const inPlace = transport === "shared" && isSharedView(bytes2);
  const text = transport === "shared" && !inPlace ? pool.sharedBuffers.allocate(bytes2) : bytes2;
  const copiedSlice = cuts.map(() => inPlace);
  const copied = { bytes: 0 };
  const tasks = cuts.map(([from, to], i) => ({
    name: `wordCount[${i + 1}/${cuts.length}]`,
    call(worker, taskOptions) {
      let slice2;
      const own2 = groups?.[i].parts;
      if (own2 && own2.every((part) => part.byteLength > 0)) {
        return worker.wordCount((0, import_comlink2.transfer)(own2, viewTransferables(own2)), numPartitions, taskOptions);
      }
      if (transport === "transfer") {
        slice2 = pool.buffers.copy(bytes2.subarray(from, to));
        copied.bytes += to - from;
      } else {
        if (!copiedSlice[i]) {
          text.set(bytes2.subarray(from, to), from);
          copied.bytes += to - from;
        }
        copiedSlice[i] = true;
        slice2 = text.subarray(from, to);
      }
      return worker.wordCount((0, import_comlink2.transfer)(slice2, viewTransferables([slice2])), numPartitions, taskOptions);
    }
  }));
  try {
    return await shuffle(pool, tasks, "count", numPartitions, { transport, started, shareMs: 0, options, copied });
  } finally {
    if (text !== bytes2) pool.sharedBuffers.give([text.buffer]);
  }
}
function transportOf(options) {
  return options.transport === "shared" && typeof SharedArrayBuffer !== "undefined" ? "shared" : "transfer";
}
function parallelReduceByKey(pool, keys, values, op, numPartitions, options = {}) {
  if (op !== "sum" && op !== "min" && op !== "max") throw new RivuletError("INVALID_ARGUMENT", `reduceByKey: unknown reducer ${String(op)}`);
  if (values.length !== keyCount(keys)) {
    throw new RivuletError("INVALID_ARGUMENT", `reduceByKey: ${keyCount(keys)} keys but ${values.length} values`);
  }
  return columnarShuffle(pool, keys, values, op, numPartitions, options);
}
async function columnarShuffle(pool, keys, values, op, numPartitions, options) {
  checkPartitions3(numPartitions);
  const started = absoluteNow();
  const n = keyCount(keys);
  const columns = keys.kind === "string" ? [keys.bytes, keys.offsets] : [keys.keys];
  if (values !== void 0) columns.push(values);
  const transport = transportOf(options);
  const t = performance.now();
  const input = transport === "shared" ? columns.map((c) => isSharedView(c) ? c : pool.sharedBuffers.copy(c)) : columns;
  const shareMs = performance.now() - t;
  const sharedKeys = keys.kind === "string" ? { kind: "string", bytes: input[0], offsets: input[1] } : { kind: "number", keys: input[0] };
  const sharedValues = values === void 0 ? void 0 : input[input.length - 1];
  const bounds = recordCuts(n, sliceCount(pool, n, options.minSliceSize ?? DEFAULT_MIN_SLICE_RECORDS));
  const tasks = bounds.map(([from, to], i) => ({
    name: `${op === "count" ? "countByKey" : "reduceByKey"}[${i + 1}/${bounds.length}]`,
    call(worker, taskOptions) {
      const sliceKeys = sliceKeyColumn(pool, sharedKeys, from, to, transport);
      const sliceValues = sharedValues === void 0 ? void 0 : transport === "shared" ? sharedValues.subarray(from, to) : pool.buffers.copy(sharedValues.subarray(from, to));
      const moved = sliceKeys.kind === "string" ? [sliceKeys.bytes, sliceKeys.offsets, sliceValues] : [sliceKeys.keys, sliceValues];
      return worker.reduceByKey((0, import_comlink2.transfer)(sliceKeys, viewTransferables(moved)), sliceValues, op, numPartitions, taskOptions);
    }
  }));
  try {
    return await shuffle(pool, tasks, op, numPartitions, { transport, started, shareMs, options });
  } finally {
    pool.sharedBuffers.give(input.filter((c, i) => c !== columns[i]).map((c) => c.buffer));
  }
}
async function shuffle(pool, mapTasks, op, numPartitions, context) {
  const mapped2 = await settleAll(mapTasks.map((task) => pool.run(task)));
  const partials = mapped2.map((r) => r.value);
  const out = [];
  const toMerge = [];
  for (let p = 0; p < numPartitions; p++) {
    const parts = partials.map((partial) => partial[p]);
    const nonEmpty = parts.filter((a) => a.values.length > 0);
    if (nonEmpty.length <= 1) out[p] = nonEmpty[0] ?? parts[0];
    else toMerge.push({ p, parts: nonEmpty, size: nonEmpty.reduce((n, a) => n + a.values.length, 0) });
  }
  const mergeHere = context.options.mergeHere;
  if (mergeHere !== void 0 && toMerge.reduce((n, m) => n + m.size, 0) <= LOCAL_MERGE_ENTRIES) {
    for (const m of toMerge) out[m.p] = mergeHere(m.parts, op);
    toMerge.length = 0;
  }
  const merges = await settleAll(
    mergeGroups(toMerge, pool.size).map(async (members) => {
      const merged = await pool.run({
        name: `merge[${members.map((m) => m.p).join(",")}]`,
        call(worker, taskOptions) {
          const copies = members.map((m) => m.parts.map((a) => cloneAggregate(pool, a)));
          return worker.mergeGroups((0, import_comlink2.transfer)(copies, aggregateTransferables(copies.flat())), op, taskOptions);
        }
      });
      members.forEach((m, i) => out[m.p] = merged.value[i]);
      return merged.timing;
    })
  );
  const onMetrics = context.options.onMetrics;
  if (onMetrics !== void 0) {
    const map = mapped2.map((r) => r.timing);
    const phases = [map, merges].filter((phase) => phase.length > 0);
    const movement = (phase) => {
      const last = phase.reduce((a, b) => b.resolvedAt > a.resolvedAt ? b : a);
      return last.resolvedAt - Math.min(...phase.map((t) => t.dispatchedAt)) - last.computeMs;
    };
    onMetrics({
      transport: context.transport,
      slices: mapTasks.length,
      wallMs: absoluteNow() - context.started,
      shareMs: context.shareMs,
      copiedBytes: context.copied?.bytes ?? 0,
      map,
      merge: merges,
      movementMs: context.shareMs + phases.reduce((sum3, phase) => sum3 + movement(phase), 0),
      computeMs: phases.reduce((sum3, phase) => sum3 + Math.max(...phase.map((t) => t.computeMs)), 0),
      retries: [...map, ...merges].reduce((sum3, t) => sum3 + t.attempts - 1, 0)
    });
  }
  return out;
}
async function settleAll(promises) {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s) => s.status === "rejected");
  if (failed !== void 0) throw failed.reason;
  return settled.map((s) => s.value);
}
function checkPartitions3(numPartitions) {
  if (!Number.isInteger(numPartitions) || numPartitions < 1 || numPartitions > 65535) {
    throw new RivuletError("INVALID_ARGUMENT", `numPartitions must be an integer in [1, 65535], got ${numPartitions}`);
  }
}
function sliceCount(pool, size, minSliceSize) {
  if (minSliceSize <= 0) return pool.size;
  return Math.max(1, Math.min(pool.size, Math.floor(size / minSliceSize)));
}
function usableSegments(segments, length) {
  if (segments === void 0 || segments.length === 0) return void 0;
  let total = 0;
  for (const s of segments) {
    if (s.byteLength === 0) return void 0;
    total += s.length;
  }
  return total === length ? segments : void 0;
}
function segmentGroups(segments, slices) {
  const total = segments.reduce((n, s) => n + s.length, 0);
  const out = [];
  let at = 0;
  let share = -1;
  for (const segment of segments) {
    const own2 = Math.min(slices - 1, Math.floor((at + segment.length / 2) * slices / total));
    const last = out[out.length - 1];
    if (!last || own2 > share) {
      out.push({ parts: [segment], range: [at, at + segment.length] });
      share = own2;
    } else {
      last.parts.push(segment);
      last.range[1] = at + segment.length;
    }
    at += segment.length;
  }
  return out;
}
function lineCuts(text, slices) {
  const out = [];
  let from = 0;
  for (let i = 1; i < slices && from < text.length; i++) {
    const target = Math.max(from + 1, Math.floor(text.length * i / slices));
    const newline = text.indexOf(NEWLINE, target - 1);
    if (newline < 0) break;
    out.push([from, newline + 1]);
    from = newline + 1;
  }
  if (from < text.length || out.length === 0) out.push([from, text.length]);
  return out;
}
function recordCuts(n, slices) {
  const k = Math.max(1, Math.min(slices, n));
  return Array.from({ length: k }, (_, i) => [Math.floor(n * i / k), Math.floor(n * (i + 1) / k)]);
}
function sliceKeyColumn(pool, keys, from, to, transport) {
  if (keys.kind === "number") {
    return { kind: "number", keys: transport === "shared" ? keys.keys.subarray(from, to) : pool.buffers.copy(keys.keys.subarray(from, to)) };
  }
  const start = keys.offsets[from];
  const end = keys.offsets[to];
  const offsets = new Uint32Array(to - from + 1);
  for (let i = from; i <= to; i++) offsets[i - from] = keys.offsets[i] - start;
  return { kind: "string", bytes: transport === "shared" ? keys.bytes.subarray(start, end) : pool.buffers.copy(keys.bytes.subarray(start, end)), offsets };
}
function mergeGroups(toMerge, workers) {
  const groups = Array.from({ length: Math.min(workers, toMerge.length) }, () => ({ size: 0, members: [] }));
  for (const m of [...toMerge].sort((a, b) => b.size - a.size)) {
    const lightest = groups.reduce((a, b) => b.size < a.size ? b : a);
    lightest.members.push(m);
    lightest.size += m.size;
  }
  return groups.map(({ members }) => members.sort((a, b) => a.p - b.p));
}
function copyKeys(pool, keys) {
  return keys.kind === "string" ? { kind: "string", bytes: pool.buffers.copy(keys.bytes), offsets: pool.buffers.copy(keys.offsets) } : { kind: "number", keys: pool.buffers.copy(keys.keys) };
}
function cloneAggregate(pool, a) {
  return { keys: copyKeys(pool, a.keys), values: pool.buffers.copy(a.values), hashes: pool.buffers.copy(a.hashes) };
}

// src/engine/workers/stages.ts
var import_comlink3 = __toESM(require_comlink(), 1);
var NEWLINE2 = 10;
async function runJobStage(pool, job, stage2, options = {}) {
  const started = absoluteNow();
  const bytes2 = stage2.input.utf8Lines;
  const transport = transportOf(options);
  const inPlace = transport === "shared" && isSharedView(bytes2);
  const text = transport === "shared" && !inPlace ? pool.sharedBuffers.allocate(bytes2) : bytes2;
  const copied = [];
  const task = (partition) => ({
    output: stage2.output,
    input: { stream: stage2.input.stream, time: stage2.input.time, numPartitions: stage2.input.numPartitions },
    partition,
    numPartitions: stage2.numPartitions
  });
  const where = `stage ${stage2.output.stream}@${stage2.output.time}`;
  const mapTasks = partitionCuts(bytes2, stage2.input.numPartitions).map(
    ([from, to], partition) => ({
      name: `${where} map[${partition}]`,
      call(worker, taskOptions) {
        let slice2;
        if (transport === "transfer") {
          slice2 = pool.buffers.copy(bytes2.subarray(from, to));
        } else {
          if (!inPlace && !copied[partition]) text.set(bytes2.subarray(from, to), from);
          copied[partition] = true;
          slice2 = text.subarray(from, to);
        }
        return worker.mapStage(job, task(partition), (0, import_comlink3.transfer)(slice2, viewTransferables([slice2])), taskOptions);
      }
    })
  );
  try {
    const mapped2 = await settleAll(mapTasks.map((t) => pool.run(t)));
    const accumulated = mapped2.flatMap((r) => r.value.accumulated);
    const merged = await mergeParts(pool, job, task(0), where, mapped2.map((r) => r.value.parts), stage2.numPartitions, accumulated);
    options.onStageMetrics?.({ wallMs: absoluteNow() - started, transport, map: mapped2.map((r) => r.timing) });
    options.onAccumulated?.(accumulated);
    return merged;
  } finally {
    if (text !== bytes2) pool.sharedBuffers.give([text.buffer]);
  }
}
async function mergeParts(pool, job, stage2, where, mapped2, numPartitions, accumulated) {
  const out = [];
  const toMerge = [];
  for (let p = 0; p < numPartitions; p++) {
    const parts = mapped2.map((m) => m[p]).filter((part) => partSize(part) > 0);
    if (parts.length <= 1) out[p] = parts.length === 0 ? [] : decodePart(parts[0]);
    else toMerge.push({ p, parts, size: parts.reduce((n, part) => n + partSize(part), 0) });
  }
  await settleAll(
    mergeGroups(toMerge, pool.size).map(async (members) => {
      const merged = await pool.run({
        name: `${where} merge[${members.map((m) => m.p).join(",")}]`,
        call(worker, taskOptions) {
          const copies = members.map((m) => m.parts.map((part) => clonePart(pool, part)));
          return worker.mergeStage(job, stage2, (0, import_comlink3.transfer)(copies, partTransferables(copies.flat())), taskOptions);
        }
      });
      members.forEach((m, i) => out[m.p] = decodePart(merged.value.parts[i]));
      accumulated.push(...merged.value.accumulated);
    })
  );
  return out;
}
function partSize(part) {
  return part.kind === "columns" ? part.values.length : part.records.length;
}
function decodePart(part) {
  if (part.kind === "records") return part.records.map(([k, c]) => [k, c]);
  return columnEntries(part.keys, part.values);
}
function clonePart(pool, part) {
  if (part.kind === "records") return part;
  return { kind: "columns", keys: copyKeys(pool, part.keys), values: pool.buffers.copy(part.values) };
}
function partitionCuts(bytes2, n) {
  let lines = 0;
  for (let at = bytes2.indexOf(NEWLINE2); at >= 0; at = bytes2.indexOf(NEWLINE2, at + 1)) lines++;
  const cuts = [];
  let from = 0;
  let line = 0;
  for (let i = 0; i < n; i++) {
    const end = Math.floor((i + 1) * lines / n);
    let to = from;
    while (line < end) {
      to = bytes2.indexOf(NEWLINE2, to) + 1;
      line++;
    }
    cuts.push([from, to]);
    from = to;
  }
  return cuts;
}

// src/engine/engine.ts
function defaultParallelism(cores) {
  const n = cores ?? (typeof navigator !== "undefined" && typeof navigator.hardwareConcurrency === "number" ? navigator.hardwareConcurrency : 2);
  return Math.max(1, n - 1);
}
var CSP_HINT = ". Under a Content-Security-Policy, script-src needs 'wasm-unsafe-eval'; where WebAssembly cannot be compiled from bytes (workerd), pass kernelsModule";
function kernelFallbackWarning(reason) {
  return `Rivulet: the WebAssembly kernels cannot be loaded here (${describe3(reason)}); built-in reducers and countByValue run in JS, with the same results${CSP_HINT}. kernels: "js" skips the attempt.`;
}
function describe3(error) {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).replace(/\.$/, "");
}
var SEGMENT_BYTES = 1 << 20;
var MIN_PARALLEL_TEXT_BYTES = 1 << 16;
function createEngine(options = {}) {
  const parallelism = options.parallelism ?? defaultParallelism();
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw new RivuletError("INVALID_ARGUMENT", `parallelism must be a positive integer, got ${parallelism}`);
  }
  return new DefaultEngine(parallelism, options);
}
var DefaultEngine = class extends LocalExecutor {
  closed = false;
  options;
  kernels;
  workerPool;
  constructor(parallelism, options) {
    super(parallelism);
    this.options = options;
  }
  get liveWorkers() {
    return this.workerPool?.liveWorkers ?? 0;
  }
  get sharedBatches() {
    return this.usesWorkers() && this.transport() === "shared";
  }
  get transferSegmentBytes() {
    return this.usesWorkers() && this.transport() === "transfer" ? SEGMENT_BYTES : void 0;
  }
  async countWords(utf8Lines, numPartitions, segments) {
    this.checkOpen();
    const kernels = await this.loadKernels();
    if (!kernels) return void 0;
    const pool = utf8Lines.length >= MIN_PARALLEL_TEXT_BYTES ? this.pool() : void 0;
    const parts = pool ? await parallelWordCount(pool, utf8Lines, numPartitions, {
      transport: this.transport(),
      onMetrics: this.options.workers?.onShuffleMetrics,
      mergeHere: (parts2, op) => kernels.merge(parts2, op),
      segments
    }) : kernels.wordCount(utf8Lines, numPartitions);
    return parts.map((part) => aggregateEntries(part));
  }
  async runJobStage(job, stage2, onAccumulated) {
    this.checkOpen();
    const pool = this.pool();
    if (!pool) return void 0;
    return runJobStage(pool, job, stage2, { transport: this.transport(), onStageMetrics: this.options.workers?.onStageMetrics, onAccumulated });
  }
  /** The worker pool, made on first use; undefined when partitions run in this thread only. */
  pool() {
    const workers = this.options.workers;
    if (!workers || !this.usesWorkers()) return void 0;
    this.workerPool ??= new WorkerPool({
      size: this.parallelism,
      spawn: workers.spawn,
      module: this.options.kernelsModule,
      kernels: { maxMemoryBytes: this.options.maxKernelMemoryBytes },
      maxTaskFailures: workers.maxTaskFailures,
      onTask: workers.onTask
    });
    return this.workerPool;
  }
  /** True when partitions run in workers too: there are workers to start, and more than one partition at a time. */
  usesWorkers() {
    return this.options.workers !== void 0 && this.parallelism > 1;
  }
  transport() {
    return this.options.workers?.transport ?? (sharedMemoryUsable() ? "shared" : "transfer");
  }
  /** The WASM kernels, loaded once on first use; undefined where only the (slower) reference would run. */
  loadKernels() {
    const mode = this.options.kernels ?? "auto";
    if (mode === "js") return Promise.resolve(void 0);
    this.kernels ??= loadKernels({
      implementation: mode === "wasm" ? "wasm" : "auto",
      module: this.options.kernelsModule,
      maxMemoryBytes: this.options.maxKernelMemoryBytes,
      onFallback: (reason) => console.warn(kernelFallbackWarning(reason))
    }).then(
      (k) => k.kind === "wasm" ? k : void 0,
      (error) => {
        if (error instanceof RivuletError) throw error;
        throw new RivuletError("UNSUPPORTED", `kernels: "wasm" requires the WebAssembly kernels, which cannot be loaded here: ${describe3(error)}${CSP_HINT}`, { cause: error });
      }
    );
    return this.kernels;
  }
  async combineByKey(input, aggregator, partitioner, mapSideCombine) {
    this.checkOpen();
    const tag = aggregator.reducerTag;
    const kernels = tag && mapSideCombine && partitioner instanceof HashPartitioner ? await this.loadKernels() : void 0;
    if (!tag || !kernels) return super.combineByKey(input, aggregator, partitioner, mapSideCombine);
    const folded = input.map((feed) => foldTagged(feed, tag));
    const pool = folded.reduce((n2, f) => n2 + f.keys.length, 0) >= MIN_PARALLEL_PARTIALS ? this.pool() : void 0;
    const n = partitioner.numPartitions;
    const viaKernels = pool ? await poolShuffle(pool, folded, n, tag, this.transport()) : kernelShuffle(kernels, folded, n, tag);
    if (viaKernels) return viaKernels;
    return reduceSide(
      folded.map((f) => bucketsOf(f, partitioner)),
      aggregator.mergeCombiners,
      n
    );
  }
  cogroup(inputs, partitioner, inPlace) {
    this.checkOpen();
    return super.cogroup(inputs, partitioner, inPlace);
  }
  async close() {
    this.closed = true;
    await this.workerPool?.close();
  }
  checkOpen() {
    if (this.closed) throw new RivuletError("ILLEGAL_STATE", "the engine has been closed (its context was stopped with stopEngine: true)");
  }
};
var MIN_PARALLEL_PARTIALS = 1 << 16;
async function poolShuffle(pool, folded, numPartitions, tag, transport) {
  const keys = [];
  const values = [];
  for (const f of folded) {
    for (let i = 0; i < f.keys.length; i++) {
      keys.push(f.keys[i]);
      values.push(f.values[i]);
    }
  }
  const columns = encodeColumns(keys, values);
  if (!columns) return void 0;
  const merged = await parallelReduceByKey(pool, columns.keys, columns.values, tag, numPartitions, { transport });
  return merged.map((a) => aggregateEntries(a));
}
function kernelShuffle(kernels, folded, numPartitions, tag) {
  const partials = [];
  let kind;
  for (const { keys, values } of folded) {
    if (keys.length === 0) continue;
    const columns = encodeColumns(keys, values);
    if (!columns || kind !== void 0 && kind !== columns.keys.kind) return void 0;
    kind = columns.keys.kind;
    partials.push(kernels.reduceByKey(columns.keys, columns.values, tag, numPartitions));
  }
  const out = [];
  for (let p = 0; p < numPartitions; p++) {
    const parts = partials.map((partial) => partial[p]).filter((a) => keyCount(a.keys) > 0);
    out.push(parts.length === 0 ? [] : aggregateEntries(kernels.merge(parts, tag)));
  }
  return out;
}

// src/scheduler/clock.ts
var SystemClock = class {
  now() {
    return Date.now();
  }
  schedule(time, fn) {
    const handle = setTimeout(() => void fn(), Math.max(0, time - Date.now()));
    return () => clearTimeout(handle);
  }
};
var ManualClock = class {
  time;
  pending = [];
  seq = 0;
  running = Promise.resolve();
  settleHooks = /* @__PURE__ */ new Set();
  constructor(startTime = 0) {
    this.time = startTime;
  }
  now() {
    return this.time;
  }
  schedule(time, fn) {
    const entry = { time, seq: this.seq++, fn };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((p) => p !== entry);
    };
  }
  /**
   * Registers a wait run before each scheduled callback: a context waits there for its sources
   * to finish taking in what was already handed to them. Returns a function that unregisters.
   */
  addSettleHook(hook) {
    this.settleHooks.add(hook);
    return () => this.settleHooks.delete(hook);
  }
  /** Moves the clock forward by `ms` and runs what falls due, in order. */
  advance(ms) {
    const run = this.running.then(() => this.runUntil(this.time + ms));
    this.running = run.catch(() => void 0);
    return run;
  }
  /** Moves the clock to `time` (never backwards) and runs what falls due, in order. */
  setTime(time) {
    const run = this.running.then(() => this.runUntil(time));
    this.running = run.catch(() => void 0);
    return run;
  }
  async runUntil(target) {
    for (; ; ) {
      await yieldToEventLoop();
      await Promise.all([...this.settleHooks].map((hook) => hook()));
      const next = this.earliest(target);
      if (!next) break;
      this.pending = this.pending.filter((p) => p !== next);
      if (next.time > this.time) this.time = next.time;
      await next.fn();
    }
    if (target > this.time) this.time = target;
  }
  earliest(target) {
    let best2;
    for (const p of this.pending) {
      if (p.time > target) continue;
      if (!best2 || p.time < best2.time || p.time === best2.time && p.seq < best2.seq) best2 = p;
    }
    return best2;
  }
};
function yieldToEventLoop() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// src/scheduler/timer.ts
var RecurringTimer = class {
  clock;
  period;
  callback;
  cancel;
  nextTime = 0;
  stopped = false;
  constructor(clock, period, callback) {
    this.clock = clock;
    this.period = period;
    this.callback = callback;
  }
  /** Starts ticking at `firstTime`. */
  start(firstTime) {
    this.nextTime = firstTime;
    this.arm();
  }
  /** Stops ticking; returns the time of the last tick that ran. */
  stop() {
    this.stopped = true;
    this.cancel?.();
    return this.nextTime - this.period;
  }
  arm() {
    const time = this.nextTime;
    this.cancel = this.clock.schedule(time, () => {
      if (this.stopped) return void 0;
      this.nextTime = time + this.period;
      this.arm();
      return this.callback(time);
    });
  }
};

// src/scheduler/job-generator.ts
var JobGenerator = class {
  graph;
  scheduler;
  reportError;
  timer;
  interval;
  lastTime;
  pending = /* @__PURE__ */ new Set();
  afterBatch;
  constructor(graph, clock, scheduler, reportError) {
    this.graph = graph;
    this.scheduler = scheduler;
    this.reportError = reportError;
    this.interval = graph.batchInterval.milliseconds;
    this.timer = new RecurringTimer(clock, this.interval, (time) => this.generate(time));
  }
  /**
   * Runs after each batch's jobs, in turn, before old batches are forgotten (checkpoints); told
   * the batches generated but not yet run, and whether one of this batch's jobs failed.
   */
  onBatchCompleted(fn) {
    this.afterBatch = fn;
  }
  /**
   * Starts generating: the first batch is at `zeroTime + interval`, or at `resumeAt` after a
   * recovery; batch times already past on the clock (the time the job was down) are generated at
   * once, in order, as Spark does on restart.
   */
  start(zeroTime, resumeAt = zeroTime + this.interval) {
    this.lastTime = resumeAt - this.interval;
    this.timer.start(resumeAt);
  }
  /** Stops the timer. With `drain`, one last batch takes what the inputs still hold, and runs. */
  async stop(drain) {
    this.timer.stop();
    if (drain && this.lastTime !== void 0) await this.generate(this.lastTime + this.interval);
  }
  generate(time) {
    this.lastTime = time;
    this.pending.add(time);
    let jobs;
    try {
      jobs = this.graph.generateJobs(time);
    } catch (error) {
      this.graph.takeInputInfo(time);
      this.pending.delete(time);
      this.reportError(error);
      return Promise.resolve();
    }
    return this.scheduler.submit(time, jobs, this.graph.takeInputInfo(time), async (failed) => {
      this.pending.delete(time);
      await this.afterBatch?.(time, [...this.pending], failed);
      this.graph.clearMetadata(time);
    });
  }
};

// src/scheduler/job-scheduler.ts
var JobScheduler = class {
  clock;
  bus;
  reportError;
  tail = Promise.resolve();
  stopped = false;
  /** Set when a stop stopped waiting for the running batch: nothing more of it may run. */
  abandoned = false;
  runningTime;
  /** What runs after a batch (its checkpoint write), while it runs. */
  finishing = void 0;
  constructor(clock, bus, reportError) {
    this.clock = clock;
    this.bus = bus;
    this.reportError = reportError;
  }
  /**
   * Queues the jobs of one batch; resolves when they have all run (or were dropped by `stop`).
   * `after` runs once they have, still in turn (checkpoint, clean-up), before the next batch;
   * it is told whether one of them failed.
   */
  submit(time, jobs, inputs, after) {
    if (jobs.length === 0) return this.enqueue(void 0, [], after);
    const info = {
      batchTime: time,
      streamIdToInputInfo: new Map(inputs.map((i) => [i.inputStreamId, i])),
      submissionTime: this.clock.now(),
      processingStartTime: void 0,
      processingEndTime: void 0,
      outputOperationInfos: new Map(
        jobs.map((j) => [j.outputOpId, outputInfo(j, void 0, void 0, void 0)])
      ),
      numRecords: inputs.reduce((n, i) => n + i.numRecords, 0),
      schedulingDelay: void 0,
      processingDelay: void 0,
      totalDelay: void 0
    };
    this.bus.post("onBatchSubmitted", { batchInfo: { ...info } });
    return this.enqueue(info, jobs, after);
  }
  enqueue(info, jobs, after) {
    const run = this.tail.then(async () => {
      if (this.stopped) return;
      const failed = info ? await this.runBatch(info, jobs) : false;
      if (this.abandoned) return;
      const finishing = this.finishing = after?.(failed);
      try {
        await finishing;
      } finally {
        if (this.finishing === finishing) this.finishing = void 0;
      }
    });
    this.tail = run;
    return run;
  }
  /** Resolves when every submitted batch has run. */
  idle() {
    return this.tail;
  }
  /**
   * Stops waiting for the running batch (Spark's `shutdownNow`, which interrupts it): a promise
   * cannot be cancelled, so its current output operation goes on, but no later one runs, no
   * event is posted for it and nothing runs after it (no checkpoint). Queued batches are dropped.
   * Returns the time of the abandoned batch, if one was running.
   */
  abandon() {
    this.stopped = true;
    this.abandoned = true;
    return this.runningTime;
  }
  /**
   * Resolves once what runs after a batch (its checkpoint write) has settled, if it is running:
   * abandoning cannot stop a write already started, and the origin's next context must not see
   * it land after it has begun.
   */
  afterSettled() {
    return Promise.resolve(this.finishing).then(
      () => void 0,
      () => void 0
    );
  }
  /** Runs the jobs of one batch; true when one of them failed. */
  async runBatch(info, jobs) {
    this.runningTime = info.batchTime;
    let failed = false;
    info.processingStartTime = this.clock.now();
    info.schedulingDelay = info.processingStartTime - info.submissionTime;
    this.bus.post("onBatchStarted", { batchInfo: { ...info } });
    const outputs = new Map(info.outputOperationInfos);
    for (const job of jobs) {
      const start = this.clock.now();
      this.bus.post("onOutputOperationStarted", { outputOperationInfo: outputInfo(job, start, void 0, void 0) });
      let failure;
      try {
        await job.run();
      } catch (error) {
        failure = { error };
      }
      if (this.abandoned) return failed;
      const done = outputInfo(job, start, this.clock.now(), failure);
      outputs.set(job.outputOpId, done);
      this.bus.post("onOutputOperationCompleted", { outputOperationInfo: done });
      if (failure) {
        failed = true;
        this.reportError(failure.error);
      }
    }
    info.outputOperationInfos = outputs;
    info.processingEndTime = this.clock.now();
    info.processingDelay = info.processingEndTime - info.processingStartTime;
    info.totalDelay = info.processingEndTime - info.submissionTime;
    this.runningTime = void 0;
    this.bus.post("onBatchCompleted", { batchInfo: { ...info } });
    return failed;
  }
};
function outputInfo(job, start, end, failure) {
  return {
    batchTime: job.time,
    id: job.outputOpId,
    name: job.name,
    description: job.description,
    startTime: start,
    endTime: end,
    duration: start !== void 0 && end !== void 0 ? end - start : void 0,
    failureReason: failure ? failureReason(failure.error) : void 0,
    error: failure?.error
  };
}
function failureReason(error) {
  if (!(error instanceof Error)) return String(error);
  const head = String(error);
  const stack = typeof error.stack === "string" ? error.stack : "";
  return stack.startsWith(head) ? stack : stack ? `${head}
${stack}` : head;
}

// src/state/base64.ts
var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
var ENCODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
var PAD = 61;
var DECODE = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();
var ascii = new TextDecoder();
function encodeBase64(bytes2) {
  const out = new Uint8Array(Math.ceil(bytes2.length / 3) * 4);
  const whole = bytes2.length - bytes2.length % 3;
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const n = bytes2[i] << 16 | bytes2[i + 1] << 8 | bytes2[i + 2];
    out[o++] = ENCODE[n >>> 18];
    out[o++] = ENCODE[n >>> 12 & 63];
    out[o++] = ENCODE[n >>> 6 & 63];
    out[o++] = ENCODE[n & 63];
  }
  const rest = bytes2.length - whole;
  if (rest > 0) {
    const n = bytes2[whole] << 16 | (rest === 2 ? bytes2[whole + 1] << 8 : 0);
    out[o++] = ENCODE[n >>> 18];
    out[o++] = ENCODE[n >>> 12 & 63];
    out[o++] = rest === 2 ? ENCODE[n >>> 6 & 63] : PAD;
    out[o++] = PAD;
  }
  return ascii.decode(out);
}
function decodeBase64(text) {
  if (text.length % 4 !== 0) return void 0;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array(text.length / 4 * 3 - padding);
  const end = text.length - padding;
  let o = 0;
  let bits = 0;
  let count = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? DECODE[code] : -1;
    if (v < 0) return void 0;
    bits = bits << 6 | v;
    if (++count === 4) {
      out[o++] = bits >>> 16;
      out[o++] = bits >>> 8 & 255;
      out[o++] = bits & 255;
      bits = 0;
      count = 0;
    }
  }
  if (count === 3) {
    if ((bits & 3) !== 0) return void 0;
    out[o++] = bits >>> 10;
    out[o++] = bits >>> 2 & 255;
  } else if (count === 2) {
    if ((bits & 15) !== 0) return void 0;
    out[o++] = bits >>> 4;
  }
  return out;
}

// src/state/typed-arrays.ts
var CONSTRUCTORS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array
};
var KIND_BY_PROTOTYPE = new Map(
  Object.entries(CONSTRUCTORS).map(([kind, ctor]) => [ctor.prototype, kind])
);
var LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
function typedArrayKind(prototype) {
  return prototype === null ? void 0 : KIND_BY_PROTOTYPE.get(prototype);
}
function typedArrayBytes(array) {
  const bytes2 = new Uint8Array(array.buffer, array.byteOffset, array.byteLength).slice();
  if (!LITTLE_ENDIAN) swapBytes(bytes2, array.BYTES_PER_ELEMENT);
  return bytes2;
}
function typedArrayFromBytes(kind, bytes2) {
  const ctor = Object.hasOwn(CONSTRUCTORS, kind) ? CONSTRUCTORS[kind] : void 0;
  if (ctor === void 0 || bytes2.byteLength % ctor.BYTES_PER_ELEMENT !== 0) return void 0;
  if (!LITTLE_ENDIAN) swapBytes(bytes2, ctor.BYTES_PER_ELEMENT);
  const buffer = bytes2.byteOffset === 0 && bytes2.byteLength === bytes2.buffer.byteLength && bytes2.buffer instanceof ArrayBuffer ? bytes2.buffer : bytes2.slice().buffer;
  return new ctor(buffer);
}
function swapBytes(bytes2, size) {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes2.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes2[a];
      bytes2[a] = bytes2[b];
      bytes2[b] = t;
    }
  }
}

// src/state/codec-decode.ts
function fromWire(tree) {
  try {
    return decode(tree);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new RivuletError("CHECKPOINT_CORRUPT", `Checkpoint value is nested too deeply to decode: ${error.message}`, {
        cause: error
      });
    }
    throw error;
  }
}
function decode(wire) {
  if (typeof wire !== "object" || wire === null) return wire;
  if (Array.isArray(wire)) return decodeArrayInPlace(wire);
  return decodeTagged(wire);
}
function decodeArrayInPlace(array) {
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    if (typeof item === "object" && item !== null) array[i] = decode(item);
  }
  return array;
}
function decodeTagged(tagged3) {
  const tag = own(tagged3, "$");
  const v = own(tagged3, "v");
  switch (tag) {
    case "u":
      return void 0;
    case "n":
      return decodeSpecialNumber(v);
    case "b":
      if (typeof v !== "string" || !/^-?\d+$/.test(v)) throw malformed("bigint");
      return BigInt(v);
    case "o":
    case "O":
      return decodePlainObject(entries(v, "object"), tag === "O");
    case "m": {
      const flat = decodeArrayInPlace(entries(v, "Map"));
      const map = /* @__PURE__ */ new Map();
      for (let i = 0; i < flat.length; i += 2) map.set(flat[i], flat[i + 1]);
      return map;
    }
    case "s":
      if (!Array.isArray(v)) throw malformed("Set");
      return new Set(decodeArrayInPlace(v));
    case "d": {
      const time = decode(v);
      if (typeof time !== "number") throw malformed("Date");
      return new Date(time);
    }
    case "t": {
      const kind = own(tagged3, "k");
      const bytes2 = typeof v === "string" ? decodeBase64(v) : void 0;
      const array = typeof kind === "string" && bytes2 !== void 0 ? typedArrayFromBytes(kind, bytes2) : void 0;
      if (array === void 0) throw malformed("typed array");
      return array;
    }
    default:
      throw new RivuletError("CHECKPOINT_CORRUPT", `Checkpoint value holds an unknown tag ${JSON.stringify(tag)}`);
  }
}
function decodeSpecialNumber(v) {
  switch (v) {
    case "NaN":
      return NaN;
    case "Infinity":
      return Infinity;
    case "-Infinity":
      return -Infinity;
    case "-0":
      return -0;
    default:
      throw malformed("number");
  }
}
function decodePlainObject(flat, nullPrototype) {
  const object = nullPrototype ? /* @__PURE__ */ Object.create(null) : {};
  for (let i = 0; i < flat.length; i += 2) {
    const key = flat[i];
    if (typeof key !== "string") throw malformed("object");
    Object.defineProperty(object, key, { value: decode(flat[i + 1]), writable: true, enumerable: true, configurable: true });
  }
  return object;
}
function entries(v, what) {
  if (!Array.isArray(v) || v.length % 2 !== 0) throw malformed(what);
  return v;
}
function own(object, key) {
  return Object.hasOwn(object, key) ? object[key] : void 0;
}
function malformed(what) {
  return new RivuletError("CHECKPOINT_CORRUPT", `Checkpoint value holds a malformed ${what}`);
}

// src/state/encoding-cache.ts
var EncodingCache = class {
  /**
   * What stands for a piece in the JSON of the value around it, with a number after it: random
   * per cache, so no string of a user's can be taken for one.
   */
  marker;
  encoded = /* @__PURE__ */ new WeakMap();
  /** Pieces encoded, and pieces whose kept encoding was used (tests and benchmarks). */
  made = 0;
  reused = 0;
  constructor() {
    const nonce = new Uint32Array(4);
    crypto.getRandomValues(nonce);
    this.marker = `rivulet-piece-${Array.from(nonce, (n) => n.toString(16).padStart(8, "0")).join("")}-`;
  }
  /** The kept encoding of `piece`, made with `encode` the first time. */
  bytesOf(piece, encode2) {
    let bytes2 = this.encoded.get(piece.value);
    if (bytes2 === void 0) {
      bytes2 = encode2(piece.value);
      this.encoded.set(piece.value, bytes2);
      this.made++;
    } else {
      this.reused++;
    }
    return bytes2;
  }
};
var Piece = class {
  value;
  constructor(value) {
    this.value = value;
  }
};

// src/state/codec-encode.ts
var UNDEFINED = { $: "u" };
var SPECIAL = {
  NaN: { $: "n", v: "NaN" },
  Infinity: { $: "n", v: "Infinity" },
  "-Infinity": { $: "n", v: "-Infinity" },
  "-0": { $: "n", v: "-0" }
};
var Unsupported = class extends Error {
  segments = [];
};
var onPiece;
function toWire(value, pieces) {
  onPiece = pieces;
  try {
    return encode(value, []);
  } catch (error) {
    if (error instanceof Unsupported) {
      const path = "value" + error.segments.reverse().join("");
      throw new RivuletError(
        "CHECKPOINT_FAILED",
        `Cannot checkpoint ${error.message} at ${path}: checkpointed state may hold undefined, null, booleans, numbers, strings, bigints, arrays, plain objects, Map, Set, Date and typed arrays`
      );
    }
    if (error instanceof RangeError) {
      throw new RivuletError("CHECKPOINT_FAILED", `Cannot checkpoint a value nested this deeply: ${error.message}`, {
        cause: error
      });
    }
    throw error;
  } finally {
    onPiece = void 0;
  }
}
function encode(value, ancestors) {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return encodeNumber(value);
    case "undefined":
      return UNDEFINED;
    case "bigint":
      return { $: "b", v: value.toString() };
    case "object":
      return value === null ? null : encodeObject(value, ancestors);
    default:
      throw new Unsupported(describe4(value));
  }
}
function encodeNumber(n) {
  if (Number.isFinite(n)) return n === 0 && 1 / n < 0 ? SPECIAL["-0"] : n;
  return n !== n ? SPECIAL.NaN : n > 0 ? SPECIAL.Infinity : SPECIAL["-Infinity"];
}
function encodeObject(value, ancestors) {
  if (ancestors.includes(value)) throw new Unsupported("a circular reference");
  const proto = Object.getPrototypeOf(value);
  if (proto === Array.prototype) return encodeArray(value, ancestors);
  if (proto === Object.prototype || proto === null) return encodePlainObject(value, proto === null, ancestors);
  if (proto === Map.prototype) return encodeMap(value, ancestors);
  if (proto === Set.prototype) return encodeSet(value, ancestors);
  if (proto === Date.prototype) return { $: "d", v: encodeNumber(value.getTime()) };
  const kind = typedArrayKind(proto);
  if (kind !== void 0) return { $: "t", k: kind, v: encodeBase64(typedArrayBytes(value)) };
  if (value instanceof Piece) return onPiece ? onPiece(value) : encode(value.value, ancestors);
  throw new Unsupported(describe4(value));
}
function encodeArray(array, ancestors) {
  ancestors.push(array);
  let out;
  let i = 0;
  try {
    for (const n = array.length; i < n; i++) {
      const item = array[i];
      const wire = encode(item, ancestors);
      if (out !== void 0) out.push(wire);
      else if (wire !== item) {
        out = array.slice(0, i);
        out.push(wire);
      }
    }
  } catch (error) {
    if (error instanceof Unsupported) error.segments.push(`[${i}]`);
    throw error;
  }
  ancestors.pop();
  return out ?? array;
}
function encodePlainObject(object, nullPrototype, ancestors) {
  for (const symbol of Object.getOwnPropertySymbols(object)) {
    if (Object.prototype.propertyIsEnumerable.call(object, symbol)) {
      throw new Unsupported(`an object with the symbol key ${String(symbol)}`);
    }
  }
  ancestors.push(object);
  const keys = Object.keys(object);
  const out = new Array(keys.length * 2);
  let key = "";
  try {
    for (let i = 0; i < keys.length; i++) {
      key = keys[i];
      out[2 * i] = key;
      out[2 * i + 1] = encode(object[key], ancestors);
    }
  } catch (error) {
    if (error instanceof Unsupported) error.segments.push(propertySegment(key));
    throw error;
  }
  ancestors.pop();
  return { $: nullPrototype ? "O" : "o", v: out };
}
function encodeMap(map, ancestors) {
  ancestors.push(map);
  const out = [];
  let i = 0;
  let atKey = true;
  let key;
  try {
    for (const [k, v] of map) {
      key = k;
      atKey = true;
      out.push(encode(k, ancestors));
      atKey = false;
      out.push(encode(v, ancestors));
      i++;
    }
  } catch (error) {
    if (error instanceof Unsupported) error.segments.push(atKey ? `.keys()[${i}]` : `.get(${keyText(key, i)})`);
    throw error;
  }
  ancestors.pop();
  return { $: "m", v: out };
}
function encodeSet(set, ancestors) {
  ancestors.push(set);
  const out = [];
  try {
    for (const item of set) out.push(encode(item, ancestors));
  } catch (error) {
    if (error instanceof Unsupported) error.segments.push(`.values()[${out.length}]`);
    throw error;
  }
  ancestors.pop();
  return { $: "s", v: out };
}
function propertySegment(key) {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
function keyText(key, index) {
  if (typeof key === "string") return JSON.stringify(key);
  if (typeof key === "number" || typeof key === "boolean") return String(key);
  return `<key ${index}>`;
}
function describe4(value) {
  if (typeof value === "function") return value.name ? `a function (${value.name})` : "a function";
  if (typeof value === "symbol") return `a symbol (${value.toString()})`;
  if (typeof value !== "object" || value === null) return `a ${typeof value}`;
  const name = constructorName(value);
  return name !== void 0 ? `an instance of ${name}` : `an object of type ${Object.prototype.toString.call(value)}`;
}
function constructorName(value) {
  const proto = Object.getPrototypeOf(value);
  if (proto === null || typeof proto !== "object") return void 0;
  const descriptor = Object.getOwnPropertyDescriptor(proto, "constructor");
  const ctor = descriptor?.value;
  return typeof ctor === "function" && ctor.name !== "" ? ctor.name : void 0;
}

// src/state/codec.ts
var utf8Encoder = new TextEncoder();
var utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
function encodeValue(value, cache) {
  if (!cache) return utf8Encoder.encode(stringify(toWire(value)));
  const pieces = [];
  let json;
  let parts;
  try {
    json = stringify(toWire(value, (piece) => `${cache.marker}${pieces.push(piece) - 1}`));
    parts = pieces.map((piece) => cache.bytesOf(piece, (v) => utf8Encoder.encode(stringify(toWire(v)))));
  } catch (error) {
    if (error instanceof RivuletError) return encodeValue(value);
    throw error;
  }
  const found = [];
  for (let at2 = json.indexOf(cache.marker); at2 >= 0; at2 = json.indexOf(cache.marker, at2 + 1)) found.push(at2);
  if (found.length !== pieces.length) return encodeValue(value);
  const out = [];
  let at = 0;
  for (let i = 0; i < pieces.length; i++) {
    const quoted = `"${cache.marker}${i}"`;
    if (json.slice(found[i] - 1, found[i] - 1 + quoted.length) !== quoted) return encodeValue(value);
    out.push(utf8Encoder.encode(json.slice(at, found[i] - 1)), parts[i]);
    at = found[i] - 1 + quoted.length;
  }
  out.push(utf8Encoder.encode(json.slice(at)));
  return concat(out);
}
function stringify(tree) {
  try {
    return JSON.stringify(tree);
  } catch (error) {
    throw new RivuletError("CHECKPOINT_FAILED", `Cannot checkpoint this value: its encoding is too large`, {
      cause: error
    });
  }
}
function concat(parts) {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
function decodeValue(bytes2) {
  let tree;
  try {
    tree = JSON.parse(utf8Decoder.decode(bytes2));
  } catch (error) {
    throw new RivuletError("CHECKPOINT_CORRUPT", `Checkpoint payload is not valid UTF-8 JSON: ${String(error)}`, {
      cause: error
    });
  }
  return fromWire(tree);
}

// src/state/crc32.ts
var TABLES = (() => {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 3988292384 ^ c >>> 1 : c >>> 1;
    t[n] = c;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const previous = t[(k - 1) * 256 + n];
      t[k * 256 + n] = previous >>> 8 ^ t[previous & 255];
    }
  }
  return t;
})();
function crc32(bytes2, previous = 0) {
  const t = TABLES;
  let c = ~previous;
  let i = 0;
  for (const end = bytes2.length - 7; i < end; i += 8) {
    const a = c ^ (bytes2[i] | bytes2[i + 1] << 8 | bytes2[i + 2] << 16 | bytes2[i + 3] << 24);
    c = t[1792 + (a & 255)] ^ t[1536 + (a >>> 8 & 255)] ^ t[1280 + (a >>> 16 & 255)] ^ t[1024 + (a >>> 24)] ^ t[768 + bytes2[i + 4]] ^ t[512 + bytes2[i + 5]] ^ t[256 + bytes2[i + 6]] ^ t[bytes2[i + 7]];
  }
  for (; i < bytes2.length; i++) c = t[(c ^ bytes2[i]) & 255] ^ c >>> 8;
  return ~c >>> 0;
}

// src/state/format.ts
var FORMAT_VERSION = 1;
var HEADER_BYTES = 16;
var MAGIC = [82, 86, 67, 75];
var MAX_PAYLOAD = 4294967295;
function frame(payload) {
  if (payload.length > MAX_PAYLOAD) {
    throw new RivuletError(
      "CHECKPOINT_FAILED",
      `Checkpoint payload of ${payload.length} bytes is too large: the format holds at most ${MAX_PAYLOAD} bytes`
    );
  }
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, payload.length, true);
  view.setUint32(12, crc32(payload), true);
  out.set(payload, HEADER_BYTES);
  return out;
}
function unframe(bytes2) {
  if (bytes2.length < HEADER_BYTES) {
    throw corrupt(`Checkpoint is truncated: ${bytes2.length} bytes, shorter than its ${HEADER_BYTES}-byte header`);
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes2[i] !== MAGIC[i]) {
      throw corrupt(`Not a Rivulet checkpoint: the first bytes are ${hex(bytes2.subarray(0, 4))}, expected "RVCK"`);
    }
  }
  const view = new DataView(bytes2.buffer, bytes2.byteOffset, bytes2.byteLength);
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) {
    throw corrupt(`Unsupported checkpoint format version ${version}: this Rivulet reads version ${FORMAT_VERSION}`);
  }
  const length = view.getUint32(8, true);
  const actual = bytes2.length - HEADER_BYTES;
  if (actual < length) {
    throw corrupt(`Checkpoint is truncated: the header announces ${length} payload bytes, only ${actual} are present`);
  }
  if (actual > length) {
    throw corrupt(`Checkpoint has ${actual - length} bytes of trailing garbage after its ${length}-byte payload`);
  }
  const payload = bytes2.subarray(HEADER_BYTES);
  const expected = view.getUint32(12, true);
  const computed = crc32(payload);
  if (computed !== expected) {
    throw corrupt(`Checkpoint checksum mismatch: the header says CRC-32 ${hex32(expected)}, the payload has ${hex32(computed)}`);
  }
  return payload;
}
function corrupt(message2) {
  return new RivuletError("CHECKPOINT_CORRUPT", message2);
}
function hex(bytes2) {
  return Array.from(bytes2, (b) => b.toString(16).padStart(2, "0")).join(" ");
}
function hex32(n) {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

// src/state/numbered-entries.ts
function entryName(prefix, time, what) {
  if (!Number.isSafeInteger(time) || time < 0) {
    throw new RivuletError("INVALID_ARGUMENT", `A ${what} time must be a non-negative safe integer, got ${time}`);
  }
  return prefix + String(time).padStart(16, "0");
}
async function entryTimes(store, prefix) {
  const times = [];
  for (const name of await store.list()) {
    if (name.length !== prefix.length + 16 || !name.startsWith(prefix)) continue;
    const digits = name.slice(prefix.length);
    if (!/^\d{16}$/.test(digits)) continue;
    const time = Number(digits);
    if (Number.isSafeInteger(time)) times.push(time);
  }
  return times.sort((a, b) => a - b);
}
async function readEntry(store, name, failure) {
  let bytes2;
  try {
    bytes2 = await store.get(name);
  } catch (error) {
    if (isCorrupt(error)) return { skipped: error.message };
    throw asFailure(error, failure);
  }
  if (bytes2 === void 0) return { skipped: "deleted while reading" };
  try {
    return { value: decodeValue(unframe(bytes2)) };
  } catch (error) {
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
}
function isCorrupt(error) {
  return error instanceof RivuletError && error.code === "CHECKPOINT_CORRUPT";
}
function asFailure(error, message2) {
  if (error instanceof RivuletError) {
    const cause = error.code === "CHECKPOINT_FAILED" && error.cause !== void 0 ? error.cause : error;
    return new RivuletError("CHECKPOINT_FAILED", `${message2}: ${error.message}`, { cause });
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new RivuletError("CHECKPOINT_FAILED", `${message2}: ${detail}`, { cause: error });
}

// src/state/batch-record.ts
var PREFIX = "batch-";
function batchRecordName(time) {
  return entryName(PREFIX, time, "batch");
}
async function writeBatchRecord(time, value, store) {
  const name = batchRecordName(time);
  const bytes2 = frame(encodeValue(value));
  try {
    await store.put(name, bytes2);
  } catch (error) {
    throw asFailure(error, `Could not write ${name}`);
  }
}
async function readBatchRecords(afterTime, store) {
  const out = { records: [], skipped: [] };
  for (const time of await recordTimes(store)) {
    if (time <= afterTime) continue;
    const name = batchRecordName(time);
    const read = await readEntry(store, name, `Could not read ${name}`);
    if ("value" in read) out.records.push({ time, value: read.value });
    else out.skipped.push({ name, reason: read.skipped });
  }
  return out;
}
async function deleteBatchRecords(store, throughTime = Infinity) {
  try {
    let later = false;
    for (const time of await recordTimes(store)) {
      if (time <= throughTime) await store.delete(batchRecordName(time));
      else later = true;
    }
    return later;
  } catch (error) {
    throw asFailure(error, "Could not delete the records of checkpointed batches");
  }
}
async function recordTimes(store) {
  try {
    return await entryTimes(store, PREFIX);
  } catch (error) {
    throw asFailure(error, "Could not list the batch records");
  }
}

// src/state/checkpoint.ts
var PREFIX2 = "checkpoint-";
function checkpointName(time) {
  return entryName(PREFIX2, time, "checkpoint");
}
async function writeCheckpoint(time, value, store, keep = 2, cache, attempts = 1) {
  const name = checkpointName(time);
  if (!Number.isSafeInteger(keep) || keep < 1) {
    throw new RivuletError("INVALID_ARGUMENT", `keep must be a positive integer, got ${keep}`);
  }
  const bytes2 = frame(encodeValue(value, cache));
  for (let attempt = 1; ; attempt++) {
    try {
      await store.put(name, bytes2);
      break;
    } catch (error) {
      if (attempt >= attempts) throw asFailure(error, `Could not write checkpoint ${name}${attempts > 1 ? ` (${attempts} attempts)` : ""}`);
    }
  }
  try {
    const times = await checkpointTimes(store);
    const retained = times.filter((t) => t <= time).slice(-keep);
    for (const t of times) {
      if (!retained.includes(t)) await store.delete(checkpointName(t));
    }
  } catch (error) {
    throw asFailure(error, `Checkpoint ${name} was written, but deleting older checkpoints failed`);
  }
}
async function readLatestCheckpoint(store, strict2 = false) {
  let times;
  try {
    times = await checkpointTimes(store);
  } catch (error) {
    throw asFailure(error, "Could not list checkpoints");
  }
  const skipped = [];
  for (let i = times.length - 1; i >= 0; i--) {
    const time = times[i];
    const name = checkpointName(time);
    const read = await readEntry(store, name, `Could not read checkpoint ${name}`);
    if ("value" in read) return { time, value: read.value, skipped };
    skipped.push({ name, reason: read.skipped });
  }
  if (strict2 && skipped.length > 0) {
    throw new RivuletError(
      "CHECKPOINT_CORRUPT",
      `Failed to read a checkpoint from the store: ${skipped.map(({ name, reason }) => `${name} (${reason})`).join(", ")}; getOrCreate(store, factory, { createOnError: true }) starts afresh instead, without their state`
    );
  }
  return void 0;
}
function checkpointTimes(store) {
  return entryTimes(store, PREFIX2);
}

// src/scheduler/batch-positions.ts
var BATCH_POSITIONS_VERSION = 1;
async function readReplayPositions(content, store) {
  const read = await readBatchRecords(content.checkpointTime, store);
  const skipped = [...read.skipped];
  const positions = /* @__PURE__ */ new Map();
  for (const { time, value } of read.records) {
    try {
      const record = asBatchPositions(value, time);
      if (record.fingerprint !== content.fingerprint || record.zeroTime !== content.zeroTime) {
        throw new RivuletError("CHECKPOINT_MISMATCH", "it was written by another graph or run than the checkpoint");
      }
      positions.set(time, new Map(record.sources));
    } catch (error) {
      skipped.push({ name: batchRecordName(time), reason: error instanceof Error ? error.message : String(error) });
    }
  }
  skipped.sort((a, b) => a.name < b.name ? -1 : 1);
  return { positions, skipped };
}
function asBatchPositions(value, time) {
  const fail = (what) => {
    throw new RivuletError("CHECKPOINT_CORRUPT", `the batch record is not one this version can read: ${what}`);
  };
  if (typeof value !== "object" || value === null) return fail("not an object");
  const r = value;
  if (r.contentVersion !== BATCH_POSITIONS_VERSION) return fail(`content version ${String(r.contentVersion)}`);
  if (typeof r.fingerprint !== "string") fail("fingerprint is missing");
  if (typeof r.zeroTime !== "number") fail("zeroTime is missing");
  if (r.batchTime !== time) fail(`it is the record of batch ${String(r.batchTime)}`);
  if (!Array.isArray(r.sources)) return fail("sources is missing");
  for (const entry of r.sources) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== "number") fail("a source entry is malformed");
  }
  return value;
}

// src/scheduler/checkpointer.ts
var WRITE_ATTEMPTS = 3;
var CHECKPOINT_CONTENT_VERSION = 1;
var Checkpointer = class {
  graph;
  store;
  sources;
  bus;
  reportError;
  /** @internal The encodings of remembered batches, kept between checkpoints. */
  encodings = new EncodingCache();
  /** Inputs that can take a batch again up to a recorded position: the ones batch records are for. */
  replayable;
  /** Set while the store may hold batch records; a new run's first batch drops an earlier run's. */
  recordsKept;
  fresh;
  fingerprint;
  /** The first batch of this run one of whose jobs failed: no checkpoint may cover it. */
  failedAt;
  /** Whether the store holds a checkpoint of this run, or of the one it recovered from. */
  lineage;
  /** `fresh`: the context did not recover, so batch records in the store are an earlier run's. */
  constructor(graph, store, sources, bus, reportError, fresh = false) {
    this.graph = graph;
    this.store = store;
    this.sources = sources;
    this.bus = bus;
    this.reportError = reportError;
    this.replayable = sources.filter(({ source }) => typeof source.takeUntil === "function");
    this.fresh = fresh;
    this.lineage = !fresh;
    this.recordsKept = true;
  }
  /**
   * Called once the jobs of the batch at `time` have run, before older batches are forgotten;
   * `failed` when one of them failed.
   */
  async afterBatch(time, pendingTimes, failed = false) {
    if (this.fresh) {
      this.fresh = false;
      await this.dropRecords(Infinity);
    }
    if (failed && this.failedAt === void 0) {
      this.failedAt = time;
      console.warn(
        `Rivulet: a job of batch ${time} failed; as Spark keeps such a batch pending, no checkpoint is written past it for the rest of this run, so that a restart runs it again`
      );
      if (!this.lineage) await this.write(this.graph.startTime ?? 0, [], false);
    }
    if (this.failedAt !== void 0 || !this.graph.checkpointDue(time)) return this.recordPositions(time);
    if (await this.write(time, pendingTimes, true)) await this.dropRecords(time);
  }
  /** Writes the checkpoint of `time` (with the streams' data, or none); false when it failed (reported). */
  async write(time, pendingTimes, withData) {
    try {
      const at = this.graph.positionsAt(time);
      const positions = this.sources.map(({ streamId }) => [streamId, at.get(streamId) ?? null]);
      const content = {
        contentVersion: CHECKPOINT_CONTENT_VERSION,
        fingerprint: this.graphFingerprint(),
        batchIntervalMs: this.graph.batchInterval.milliseconds,
        zeroTime: this.graph.startTime ?? 0,
        checkpointTime: time,
        pendingTimes,
        sources: positions,
        streams: withData ? await this.graph.checkpointData(time) : []
      };
      const written = {
        ...content,
        streams: content.streams.map(([id, batches2]) => [id, batches2.map(([t, partitions]) => [t, new Piece(partitions)])])
      };
      await writeCheckpoint(time, written, this.store, void 0, this.encodings, WRITE_ATTEMPTS);
      for (const [i, { source }] of this.sources.entries()) await source.checkpointed?.(positions[i][1]);
      this.bus.post("onCheckpointCompleted", { time });
      this.lineage = true;
      return true;
    } catch (e) {
      const error = e instanceof RivuletError ? e : new RivuletError("CHECKPOINT_FAILED", `the checkpoint of batch ${time} failed: ${message(e)}`, { cause: e });
      this.bus.post("onCheckpointFailed", { time, error });
      this.reportError(error);
      return false;
    }
  }
  /**
   * Writes where the replayable inputs stood once the batch at `time` was taken. A failed write
   * only costs that batch its exact regeneration after a restart before the next checkpoint, so
   * it is a warning, not the job's failure.
   */
  async recordPositions(time) {
    const at = this.graph.positionsAt(time);
    const sources = [];
    for (const { streamId } of this.replayable) {
      const position = at.get(streamId);
      if (position !== void 0 && position !== null) sources.push([streamId, position]);
    }
    if (sources.length === 0) return;
    const record = {
      contentVersion: BATCH_POSITIONS_VERSION,
      fingerprint: this.graphFingerprint(),
      zeroTime: this.graph.startTime ?? 0,
      batchTime: time,
      sources
    };
    this.recordsKept = true;
    try {
      await writeBatchRecord(time, record, this.store);
    } catch (e) {
      console.warn(`Rivulet: where the inputs stood after batch ${time} could not be recorded (${message(e)}); after a restart before the next checkpoint, that batch is made again from what its inputs hold then`);
    }
  }
  /** Deletes the batch records up to `time` (all with Infinity): a checkpoint covers them, or an earlier run wrote them. */
  async dropRecords(time) {
    if (!this.recordsKept) return;
    try {
      this.recordsKept = await deleteBatchRecords(this.store, time);
    } catch (e) {
      console.warn(`Rivulet: batch records a checkpoint covers could not be deleted: ${message(e)}`);
    }
  }
  /** The graph does not change once started: its fingerprint is worked out once. */
  graphFingerprint() {
    return this.fingerprint ??= this.graph.fingerprint();
  }
};
function message(e) {
  return e instanceof Error ? e.message : String(e);
}
function asCheckpointContent(value) {
  const fail = (what) => {
    throw new RivuletError("CHECKPOINT_CORRUPT", `the checkpoint is not one this version can read: ${what}`);
  };
  if (typeof value !== "object" || value === null) return fail("not an object");
  const c = value;
  if (c.contentVersion !== CHECKPOINT_CONTENT_VERSION) return fail(`content version ${String(c.contentVersion)}`);
  for (const k of ["batchIntervalMs", "zeroTime", "checkpointTime"]) if (typeof c[k] !== "number") fail(`${k} is missing`);
  if (typeof c.fingerprint !== "string") fail("fingerprint is missing");
  for (const k of ["pendingTimes", "sources", "streams"]) if (!Array.isArray(c[k])) fail(`${k} is missing`);
  return value;
}

// src/scheduler/replay-wait.ts
var REPLAY_WAIT_MS = 12e4;
function awaitReplayInputs(inputs, positions, timeoutMs = REPLAY_WAIT_MS) {
  const asked = [];
  for (const { streamId, source } of inputs) {
    if (typeof source.reach !== "function") continue;
    for (const [time, at] of positions) {
      if (!at.has(streamId)) continue;
      const reached = Promise.resolve().then(() => source.reach(at.get(streamId))).catch(() => false);
      asked.push({ streamId, name: source.name, time, reached });
    }
  }
  if (asked.length === 0) return void 0;
  let timer;
  let expire;
  const expired = new Promise((resolve) => {
    expire = () => resolve("timeout");
    timer = setTimeout(expire, timeoutMs);
  });
  const done = (async () => {
    const answers = await Promise.all(asked.map(({ reached }) => Promise.race([reached.then((r) => r ? "reached" : "ended"), expired])));
    clearTimeout(timer);
    const short = /* @__PURE__ */ new Map();
    for (const [i, answer] of answers.entries()) {
      if (answer === "reached") continue;
      const { streamId, name, time } = asked[i];
      let entry = short.get(streamId);
      if (!entry) short.set(streamId, entry = { streamId, name, times: [], reason: answer });
      entry.times.push(time);
      if (answer === "timeout") entry.reason = "timeout";
    }
    for (const entry of short.values()) entry.times.sort((a, b) => a - b);
    return [...short.values()];
  })();
  return {
    done,
    cancel: () => {
      clearTimeout(timer);
      expire();
    }
  };
}

// src/scheduler/listener.ts
var ListenerBus = class {
  listeners = [];
  stopped = false;
  add(listener) {
    this.listeners = [...this.listeners, listener];
  }
  remove(listener) {
    this.listeners = this.listeners.filter((l) => l !== listener);
  }
  stop() {
    this.stopped = true;
  }
  post(name, event) {
    if (this.stopped) return;
    for (const l of this.listeners) {
      const handler = l[name];
      if (!handler) continue;
      try {
        const result = handler.call(l, event);
        if (isThenable(result)) result.then(void 0, (e) => console.error(`StreamingListener.${name} failed`, e));
      } catch (e) {
        console.error(`StreamingListener.${name} threw`, e);
      }
    }
  }
};
function isThenable(value) {
  return typeof value === "object" && value !== null && typeof value.then === "function";
}

// src/scheduler/progress.ts
var StreamingProgress = class {
  batchDuration;
  retained;
  now;
  startTime;
  waiting = /* @__PURE__ */ new Map();
  running = /* @__PURE__ */ new Map();
  /** Oldest first; at most `retained`. */
  completed = [];
  receivers = /* @__PURE__ */ new Map();
  totalCompleted = 0;
  totalProcessed = 0;
  totalReceived = 0;
  constructor(batchDuration, retainedBatches, now) {
    if (!Number.isSafeInteger(retainedBatches) || retainedBatches < 1) {
      throw new RivuletError("INVALID_ARGUMENT", `retainedBatches must be a positive integer, got ${retainedBatches}`);
    }
    this.batchDuration = batchDuration;
    this.retained = retainedBatches;
    this.now = now;
  }
  onStreamingStarted(event) {
    this.startTime = event.time;
  }
  onBatchSubmitted(event) {
    this.waiting.set(event.batchInfo.batchTime, event.batchInfo);
  }
  onBatchStarted(event) {
    const info = event.batchInfo;
    this.waiting.delete(info.batchTime);
    this.running.set(info.batchTime, { info, outputs: new Map(info.outputOperationInfos) });
    this.totalReceived += info.numRecords;
  }
  onOutputOperationStarted(event) {
    this.running.get(event.outputOperationInfo.batchTime)?.outputs.set(event.outputOperationInfo.id, event.outputOperationInfo);
  }
  onOutputOperationCompleted(event) {
    this.onOutputOperationStarted(event);
  }
  onBatchCompleted(event) {
    const info = event.batchInfo;
    this.waiting.delete(info.batchTime);
    this.running.delete(info.batchTime);
    this.completed.push(info);
    if (this.completed.length > this.retained) this.completed.shift();
    this.totalCompleted++;
    this.totalProcessed += info.numRecords;
  }
  // As Spark's receiver tracker: a (re)start clears the last error; an error sets it and its time;
  // a stop keeps its message, with a time only when it carries an error.
  onReceiverStarted(event) {
    this.receivers.set(event.receiverInfo.streamId, { info: event.receiverInfo, lastErrorTime: void 0 });
  }
  onReceiverError(event) {
    this.receivers.set(event.receiverInfo.streamId, { info: event.receiverInfo, lastErrorTime: this.now() });
  }
  onReceiverStopped(event) {
    const info = event.receiverInfo;
    const lastErrorTime = info.lastError !== void 0 ? this.now() : void 0;
    this.receivers.set(info.streamId, { info, lastErrorTime });
  }
  statistics() {
    const batches2 = this.retainedBatches();
    let active = 0;
    for (const r of this.receivers.values()) if (r.info.active) active++;
    return {
      startTime: this.startTime,
      batchDuration: this.batchDuration,
      numReceivers: this.receivers.size,
      numActiveReceivers: active,
      numInactiveReceivers: this.receivers.size - active,
      numTotalCompletedBatches: this.totalCompleted,
      numRetainedCompletedBatches: this.completed.length,
      numActiveBatches: this.waiting.size + this.running.size,
      numProcessedRecords: this.totalProcessed,
      numReceivedRecords: this.totalReceived,
      avgInputRate: mean2(batches2.map((b) => this.rate(b.numRecords))),
      avgSchedulingDelay: mean2(batches2.map((b) => b.schedulingDelay)),
      avgProcessingTime: mean2(batches2.map((b) => b.processingDelay)),
      avgTotalDelay: mean2(batches2.map((b) => b.totalDelay))
    };
  }
  /** Newest first: queued, processing, then completed batches, as Spark lists them. */
  batchStatistics() {
    const out = [];
    for (const info of this.waiting.values()) out.push(withStatus(info, "queued", info.outputOperationInfos));
    for (const { info, outputs } of this.running.values()) out.push(withStatus(info, "processing", outputs));
    for (const info of this.completed) out.push(withStatus(info, "completed", info.outputOperationInfos));
    return out.sort((a, b) => b.batchTime - a.batchTime);
  }
  /** Every input seen in a retained batch or reporting as a receiver, by stream id. */
  receiverStatistics() {
    const names = /* @__PURE__ */ new Map();
    const rates = /* @__PURE__ */ new Map();
    for (const batch of this.retainedBatches()) {
      for (const input of batch.streamIdToInputInfo.values()) {
        names.set(input.inputStreamId, input.name);
        let series = rates.get(input.inputStreamId);
        if (!series) rates.set(input.inputStreamId, series = []);
        series.push([batch.batchTime, this.rate(input.numRecords)]);
      }
    }
    const ids2 = /* @__PURE__ */ new Set([...names.keys(), ...this.receivers.keys()]);
    return [...ids2].sort((a, b) => a - b).map((streamId) => {
      const receiver = this.receivers.get(streamId);
      const eventRates = rates.get(streamId) ?? [];
      const message2 = receiver?.info.lastErrorMessage;
      return {
        streamId,
        name: receiver?.info.name ?? names.get(streamId) ?? `stream ${streamId}`,
        active: receiver?.info.active,
        lastErrorMessage: message2 === "" ? void 0 : message2,
        lastError: receiver?.info.lastError,
        lastErrorTime: receiver?.lastErrorTime,
        avgEventRate: mean2(eventRates.map(([, rate]) => rate)),
        eventRates: eventRates.sort((a, b) => a[0] - b[0])
      };
    });
  }
  /** Spark's `retainedBatches`: the queued, processing and retained completed batches. */
  retainedBatches() {
    return [...this.waiting.values(), ...[...this.running.values()].map((r) => r.info), ...this.completed];
  }
  rate(records) {
    return records * 1e3 / this.batchDuration;
  }
};
function withStatus(info, status, outputs) {
  let activeOps = 0;
  let completedOps = 0;
  let failedOps = 0;
  let firstFailureReason;
  for (const op of [...outputs.values()].sort((a, b) => a.id - b.id)) {
    if (op.endTime === void 0) activeOps++;
    else if (op.failureReason !== void 0) {
      failedOps++;
      firstFailureReason ??= op.failureReason;
    } else {
      completedOps++;
    }
  }
  return {
    ...info,
    outputOperationInfos: outputs,
    status,
    numTotalOutputOps: outputs.size,
    numActiveOutputOps: activeOps,
    numCompletedOutputOps: completedOps,
    numFailedOutputOps: failedOps,
    firstFailureReason
  };
}
function mean2(values) {
  let total = 0;
  let n = 0;
  for (const v of values) {
    if (v === void 0) continue;
    total += v;
    n++;
  }
  return n === 0 ? void 0 : total / n;
}

// src/scheduler/origin-lock.ts
var DEFAULT_ORIGIN_LOCK_NAME = "rivulet:streaming-context";
var OriginLock = class {
  name;
  wait;
  locks;
  abort = new AbortController();
  held;
  releaseHeld;
  request;
  outcome;
  isGranted = false;
  /** Throws `UNSUPPORTED` when no lock manager is given and the runtime has none. */
  constructor(options) {
    const { name = DEFAULT_ORIGIN_LOCK_NAME, wait = false, locks = runtimeLockManager() } = options === true ? {} : options;
    if (typeof name !== "string" || name === "" || name.startsWith("-")) {
      throw new RivuletError("INVALID_ARGUMENT", `originLock.name must be a non-empty string not starting with "-", got ${JSON.stringify(name)}`);
    }
    if (!locks) {
      throw new RivuletError(
        "UNSUPPORTED",
        "originLock needs the Web Locks API (navigator.locks), which this runtime does not have; pass a lock manager as originLock.locks, or leave originLock off"
      );
    }
    this.name = name;
    this.wait = wait;
    this.locks = locks;
    this.held = new Promise((resolve) => this.releaseHeld = resolve);
  }
  /** Whether the lock is held (granted and not yet released). */
  get granted() {
    return this.isGranted;
  }
  /**
   * Requests the lock, waiting for it with `wait`, otherwise only if it is free now. Rejects with
   * `UNSUPPORTED` when the lock manager refuses the request (an opaque origin, say). The request
   * is made once: later calls get the first one's outcome (`getOrCreate` takes the lock, then the
   * context it built begins under it).
   */
  acquire() {
    this.outcome ??= this.requestLock();
    return this.outcome;
  }
  requestLock() {
    return new Promise((resolve, reject) => {
      const options = this.wait ? { signal: this.abort.signal } : { ifAvailable: true };
      const failed = (error) => {
        if (this.abort.signal.aborted) return resolve("cancelled");
        const message2 = error instanceof Error ? error.message : String(error);
        reject(new RivuletError("UNSUPPORTED", `the Web Lock "${this.name}" could not be requested: ${message2}`, { cause: error }));
      };
      try {
        this.request = this.locks.request(this.name, options, (lock) => {
          this.isGranted = lock !== null && !this.abort.signal.aborted;
          resolve(lock ? "granted" : "unavailable");
          return lock ? this.held : Promise.resolve();
        });
        this.request.catch(failed);
      } catch (error) {
        this.request = Promise.resolve();
        failed(error);
      }
    });
  }
  /**
   * Gives the lock back, or cancels the request if it is still waiting; resolves once the lock
   * manager has let go of it, so that a request made after that finds it free.
   */
  release() {
    this.isGranted = false;
    this.abort.abort();
    this.releaseHeld();
    return (this.request ?? Promise.resolve()).catch(() => void 0);
  }
};
function heldElsewhere(name) {
  return new RivuletError(
    "ANOTHER_CONTEXT_ACTIVE",
    `another StreamingContext is active in this origin: another tab, window or worker holds the Web Lock "${name}"; stop it first, wait for it (originLock: { wait: true }), or give independent jobs lock names of their own (originLock: { name })`
  );
}
async function acquireOriginLock(options, signal) {
  signal?.throwIfAborted();
  const lock = new OriginLock(options);
  const withdraw = () => void lock.release();
  signal?.addEventListener("abort", withdraw, { once: true });
  try {
    const outcome = await lock.acquire();
    signal?.throwIfAborted();
    if (outcome !== "granted") throw heldElsewhere(lock.name);
    return lock;
  } catch (error) {
    await lock.release();
    throw error;
  } finally {
    signal?.removeEventListener("abort", withdraw);
  }
}
function runtimeLockManager() {
  return globalThis.navigator?.locks;
}

// src/sources/queue.ts
var EMPTY = { records: [] };
var QueueSource = class {
  name = "queueStream";
  queue;
  oneAtATime;
  defaultBatch;
  /** Queue entries taken so far, and as of each recent batch time. */
  taken = 0;
  constructor(queue, options = {}) {
    this.queue = queue;
    this.oneAtATime = options.oneAtATime ?? true;
    this.defaultBatch = options.defaultBatch;
  }
  take() {
    return this.takeEntries();
  }
  /** The number of queue entries taken so far: a replay skips them. */
  position() {
    return this.taken;
  }
  /**
   * Resumes after `position` entries, as a replayable source: the factory that rebuilds the
   * graph after a restart queues the same batches again, and those already applied are skipped.
   */
  restore(position) {
    const n = typeof position === "number" && Number.isInteger(position) && position >= 0 ? position : 0;
    this.queue.splice(0, Math.min(n, this.queue.length));
    this.taken = n;
  }
  takeEntries() {
    if (this.queue.length === 0) return this.defaultBatch ? { records: this.defaultBatch } : EMPTY;
    if (this.oneAtATime) {
      this.taken++;
      return { records: this.queue.shift() };
    }
    this.taken += this.queue.length;
    return { records: this.queue.splice(0, this.queue.length), chunked: true };
  }
};

// src/sources/record-buffer.ts
function asLogPosition(position) {
  if (typeof position === "number" && Number.isSafeInteger(position)) return { seq: position, skip: 0 };
  if (typeof position !== "object" || position === null) return void 0;
  const { seq, skip } = position;
  if (typeof seq === "number" && Number.isSafeInteger(seq) && typeof skip === "number" && Number.isSafeInteger(skip) && skip >= 0) return { seq, skip };
  return void 0;
}
async function truncateLog(log, position) {
  const reached = asLogPosition(position);
  if (log && reached) await log.truncate(reached.seq);
}
var RecordBuffer = class {
  records = [];
  /** Log entries with records still here, oldest first, and how many of their records are. */
  entries = [];
  takenSeq = -1;
  skip = 0;
  get length() {
    return this.records.length;
  }
  /** The array unlogged records are appended to directly (no copy per chunk); valid until the next take. */
  get sink() {
    return this.records;
  }
  /**
   * Takes back the records `log` holds after the checkpointed `restored` position (received but
   * never processed before a restart); unreadable entries are counted and passed to `report`.
   */
  async replay(log, restored, report) {
    const from = asLogPosition(restored) ?? { seq: -1, skip: 0 };
    const recovered = await log.recover(from.seq, from.skip);
    if (recovered.corrupt > 0) report(`${recovered.corrupt} write-ahead log entries were corrupt and skipped`);
    this.recovered(from.seq, recovered);
  }
  /** Takes back what the log held after the checkpointed position (`afterSeq`): see `RecordLog.recover`. */
  recovered(afterSeq, recovered) {
    this.takenSeq = afterSeq;
    this.skip = recovered.skipped;
    for (const r of recovered.records) this.records.push(r);
    for (const e of recovered.entries) this.entries.push({ seq: e.seq, left: e.count });
  }
  /** Appends records; `seq` is the log entry they were written to, when logging. */
  push(records, seq) {
    for (const r of records) this.records.push(r);
    if (seq !== void 0) this.entries.push({ seq, left: records.length });
  }
  /** The oldest `max` records (all by default), removed from the buffer. */
  take(max3 = Infinity) {
    let taken;
    if (max3 >= this.records.length) {
      taken = this.records;
      this.records = [];
    } else {
      taken = this.records.slice(0, max3);
      this.records = this.records.slice(max3);
    }
    this.consumeEntries(taken.length);
    return taken;
  }
  /** The log position the records taken so far reach. */
  position() {
    return this.skip === 0 ? this.takenSeq : { seq: this.takenSeq, skip: this.skip };
  }
  /** The oldest records up to the log position `position` (a batch's, recorded), removed from the buffer. */
  takeUntil(position) {
    const target = asLogPosition(position);
    return this.take(target ? this.upTo(target).count : Infinity);
  }
  /** True when every record up to the log position `position` is taken or held. */
  covers(position) {
    const target = asLogPosition(position);
    return target === void 0 || this.upTo(target).complete;
  }
  /**
   * How many held records come before `target`, and whether they are all of them: entries are
   * numbered in order, so the records up to `target` are those of the entries up to its `seq` and
   * the first `skip` of the entry after it.
   */
  upTo(target) {
    if (this.takenSeq > target.seq || this.takenSeq === target.seq && this.skip >= target.skip) return { count: 0, complete: true };
    let count = 0;
    let newest = this.takenSeq;
    for (const [i, entry] of this.entries.entries()) {
      newest = entry.seq;
      if (entry.seq <= target.seq) {
        count += entry.left;
        continue;
      }
      const wanted = target.skip - (i === 0 ? this.skip : 0);
      return { count: count + Math.min(Math.max(wanted, 0), entry.left), complete: wanted <= entry.left };
    }
    return { count, complete: newest >= target.seq && target.skip === 0 };
  }
  consumeEntries(n) {
    while (this.entries.length > 0 && this.entries[0].left <= n) {
      const entry = this.entries.shift();
      n -= entry.left;
      this.takenSeq = entry.seq;
      this.skip = 0;
    }
    if (n > 0 && this.entries.length > 0) {
      this.entries[0].left -= n;
      this.skip += n;
    }
  }
};

// src/sources/receiver.ts
var DEFAULT_RESTART_DELAY_MS = 2e3;
var ReceiverSupervisor = class {
  state = "initialized";
  buffer = new RecordBuffer();
  /** `store()` calls waiting for a batch to take a full batch's share (rate-limited inputs). */
  waiting = [];
  dropped = 0;
  context;
  receiver;
  cancelRestart;
  /** Whether listeners were last told this receiver started (Spark's registered with the tracker). */
  registered = false;
  /** The last onStop call, which a stop() arriving during a restart waits for. */
  stopping = Promise.resolve();
  constructor(receiver, context) {
    this.receiver = receiver;
    this.context = context;
  }
  /** Set when the context's write-ahead log is on. */
  log;
  store(data) {
    const records = Array.isArray(data) ? data : [data];
    if (!this.accepting()) {
      this.dropped += records.length;
      return Promise.resolve();
    }
    if (!this.log) {
      this.buffer.push(records);
      return this.room();
    }
    return this.log.append(records.slice()).then((seq) => {
      this.buffer.push(records, seq);
      return this.room();
    });
  }
  /** What the next batch takes: at most its rate limit's share; a `store()` waiting for room resumes. */
  take() {
    const records = this.buffer.take(this.context.maxRecordsPerBatch());
    this.release();
    return records;
  }
  /** A batch made again after a restart: the records up to the log position it first reached. */
  takeUntil(position) {
    const records = this.buffer.takeUntil(position);
    this.release();
    return records;
  }
  /**
   * Resolves at once, or, when a full batch's share is already waiting (a rate limit), once a
   * batch has taken it: a receiver that awaits `store()` is slowed to the rate, as Spark's
   * `store` blocks. The records themselves are kept either way.
   */
  room() {
    if (!this.accepting() || this.buffer.length <= this.context.maxRecordsPerBatch()) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  accepting() {
    return this.state === "started" || this.state === "restarting";
  }
  release() {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
  async start() {
    this.state = "started";
    this.register();
    try {
      await this.receiver.onStart();
    } catch (error) {
      if (this.state !== "started") return;
      await this.stopThenStart(`Error starting receiver ${this.context.streamId}: ${messageOf(error)}`, error, DEFAULT_RESTART_DELAY_MS);
    }
  }
  async restart(message2, error, delayMs) {
    if (this.state !== "started") return;
    await this.stopThenStart(`Restarting receiver with delay ${delayMs}ms: ${message2}`, error, delayMs);
  }
  /** Spark's restartReceiver: stopReceiver (onStop, then deregistered), the delay, startReceiver. */
  async stopThenStart(message2, error, delayMs) {
    this.state = "restarting";
    await this.callOnStop();
    this.deregister(message2, error);
    if (this.stopped()) return;
    this.cancelRestart = this.context.schedule(this.context.now() + delayMs, () => {
      this.cancelRestart = void 0;
      return this.state === "restarting" ? this.start() : void 0;
    });
  }
  async stop(message2, error) {
    if (this.state === "stopped") return;
    const running = this.state === "started";
    this.state = "stopped";
    this.cancelRestart?.();
    this.release();
    await (running ? this.callOnStop() : this.stopping);
    this.deregister(message2, error);
  }
  register() {
    this.registered = true;
    this.context.reportStarted();
  }
  /**
   * As Spark's stopReceiver, one stop is reported per start: a receiver already deregistered for
   * a restart is not reported stopped again when stopped during the delay.
   */
  deregister(message2, error) {
    if (!this.registered) return;
    this.registered = false;
    this.context.reportStopped(message2, error);
  }
  stopped() {
    return this.state === "stopped";
  }
  callOnStop() {
    this.stopping = (async () => {
      try {
        await this.receiver.onStop();
      } catch (e) {
        this.context.reportError(`onStop failed: ${messageOf(e)}`, e);
      }
    })();
    return this.stopping;
  }
};
var ReceiverSource = class {
  name;
  receiver;
  supervisor;
  restored;
  /** Settles once the write-ahead log has been replayed into the buffer. */
  replayed = Promise.resolve();
  constructor(receiver) {
    this.receiver = receiver;
    this.name = receiver.constructor.name || "receiverStream";
  }
  take() {
    const s = this.supervisor;
    if (!s) return { records: [] };
    return { records: s.take(), metadata: { droppedAfterStop: s.dropped } };
  }
  /** With the write-ahead log: a batch made again after a restart, up to the log position it first reached. */
  takeUntil(_time, position) {
    const s = this.supervisor;
    if (!s?.log) return this.take();
    return { records: s.takeUntil(position), metadata: { droppedAfterStop: s.dropped } };
  }
  /** With the write-ahead log: every record a batch took before a restart is back once the log is replayed. */
  async reach(position) {
    await this.replayed;
    return this.supervisor?.buffer.covers(position) ?? false;
  }
  /** With the write-ahead log: where the records taken so far reach in it. */
  position() {
    return this.supervisor?.log ? this.supervisor.buffer.position() : void 0;
  }
  restore(position) {
    this.restored = position;
  }
  async checkpointed(position) {
    await truncateLog(this.supervisor?.log, position);
  }
  async start(context) {
    const supervisor = new ReceiverSupervisor(this.receiver, context);
    this.supervisor = supervisor;
    if (context.writeAheadLog) {
      supervisor.log = context.writeAheadLog;
      const replaying = supervisor.buffer.replay(supervisor.log, this.restored, (message2) => context.reportError(message2, void 0));
      this.replayed = replaying.catch(() => void 0);
      await replaying;
    }
    this.receiver.attach(supervisor);
    return supervisor.start();
  }
  async stop() {
    await this.supervisor?.stop("stopped with the context");
  }
};
function messageOf(e) {
  return e instanceof Error ? e.message : String(e);
}

// src/core/yield.ts
function yieldToEventLoop2() {
  const g = globalThis;
  if (typeof g.setImmediate === "function") return new Promise((resolve) => void g.setImmediate(resolve));
  if (typeof MessageChannel === "function") {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// src/sources/stream-source.ts
var CHUNKS_PER_TURN = 64;
var DEFAULT_MAX_BUFFERED = 1e6;
var StreamSource = class {
  open;
  isReplayable;
  reader;
  buffer = new RecordBuffer();
  context;
  pumping;
  stopping = false;
  cancelled = false;
  log;
  restored;
  maxBuffered;
  drained;
  /** True while the pump has stepped aside for other tasks with chunks still to read. */
  yielding = false;
  /** `reach` calls not yet answered: the pump reads past its bounds until they are. */
  reachWaits = [];
  /** Set once nothing more will be received: the stream ended, failed, or was never opened. */
  ended = false;
  /** `open(offset, context)` gives the stream, once started; only a replayable source is ever opened past 0. */
  constructor(open, replayable, maxBuffered = DEFAULT_MAX_BUFFERED) {
    this.open = open;
    this.isReplayable = replayable;
    this.maxBuffered = maxBuffered;
  }
  /** Appends what the end of the stream completes (a last line without newline) to `out`. */
  finish(_out) {
  }
  /** Counters to report with each batch. */
  metadata() {
    return void 0;
  }
  /** Replayable sources: the offset the records accepted so far reach. */
  offset() {
    return 0;
  }
  /** Replayable sources: the stream is reopened at `offset`. */
  seek(_offset) {
  }
  /** Replayable sources: the offset the records received so far reach, taken or not. */
  received() {
    return 0;
  }
  take() {
    return this.handOver(this.takeFrom(this.limit()));
  }
  /** Replayable: the records up to a byte offset; with the log: up to a log position. */
  takeUntil(_time, position) {
    if (this.replayable && typeof position === "number") return this.handOver(this.takeThrough(position));
    if (this.log) return this.handOver({ records: this.buffer.takeUntil(position) });
    return this.take();
  }
  reach(position) {
    if (this.holds(position)) return Promise.resolve(true);
    if (this.ended) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.reachWaits.push({ position, resolve });
      this.drained?.();
    });
  }
  /** A batch's records with the counters; a pump held back by its bounds reads on. */
  handOver(taken) {
    this.drained?.();
    const metadata = this.metadata();
    return metadata ? { ...taken, metadata } : taken;
  }
  /** What a batch takes, at most `limit` records; text sources add the lines they hold as bytes. */
  takeFrom(limit) {
    return { records: this.buffer.take(limit) };
  }
  /** Replayable sources: what a batch takes of the records whose bytes end at or before `offset`. */
  takeThrough(_offset) {
    return this.takeFrom(Infinity);
  }
  /** True for a source that reopens its data at an offset after a restart. */
  get replayable() {
    return this.isReplayable;
  }
  /** How much is buffered, in records (or their equivalent), for the bound on buffering. */
  buffered() {
    return this.buffer.length;
  }
  /** The context's callbacks, once started. */
  get sourceContext() {
    return this.context;
  }
  /** True when received records go through the write-ahead log. */
  get logging() {
    return this.log !== void 0;
  }
  /** Replayable: the offset the taken records reach; with the log: where the taken records reach in it. */
  position() {
    return this.replayable ? this.offset() : this.log ? this.buffer.position() : void 0;
  }
  restore(position) {
    this.restored = position;
  }
  async checkpointed(position) {
    await truncateLog(this.log, position);
  }
  async start(context) {
    this.context = context;
    try {
      if (!this.replayable && context.writeAheadLog) {
        this.log = context.writeAheadLog;
        await this.buffer.replay(this.log, this.restored, (message2) => context.reportError(message2, void 0));
        this.answerReach();
      }
      if (this.stopping) return this.endReach();
      const restored = this.restored;
      const offset = this.replayable && typeof restored === "number" && Number.isSafeInteger(restored) && restored > 0 ? restored : 0;
      if (offset > 0) this.seek(offset);
      this.reader = this.open(offset, context).getReader();
    } catch (error) {
      this.endReach();
      throw error;
    }
    context.reportStarted();
    this.pumping = this.pump(this.reader, context);
  }
  async settle() {
    while (this.yielding) await yieldToEventLoop2();
  }
  async stop(graceful = false) {
    if (this.stopping) return this.pumping;
    this.stopping = true;
    if (!this.reader) return this.endReach();
    if (graceful) await new Promise((resolve) => setTimeout(resolve, 0));
    this.cancelled = true;
    this.drained?.();
    await this.reader.cancel("the streaming context was stopped").catch(() => void 0);
    await this.pumping;
  }
  async pump(reader, context) {
    try {
      for (let chunks = 1; ; chunks++) {
        if (this.buffered() >= Math.min(this.maxBuffered, this.limit()) && this.reachWaits.length === 0) {
          await new Promise((resolve) => this.drained = resolve);
        } else if (chunks % CHUNKS_PER_TURN === 0) {
          this.yielding = true;
          await yieldToEventLoop2();
          this.yielding = false;
        }
        if (this.cancelled) break;
        const { done, value } = await reader.read();
        if (done) break;
        if (this.log) await this.logged((out) => this.accept(value, out));
        else this.accept(value, this.buffer.sink);
        if (this.reachWaits.length > 0) this.answerReach();
      }
      if (!this.cancelled) {
        if (this.log) await this.logged((out) => this.finish(out));
        else this.finish(this.buffer.sink);
      }
      context.reportStopped(this.cancelled ? "stopped with the context" : "the stream ended");
    } catch (error) {
      if (this.cancelled) {
        context.reportStopped("stopped with the context");
        return;
      }
      const message2 = error instanceof Error ? error.message : String(error);
      context.reportError(`${this.name} failed: ${message2}`, error);
      context.reportStopped(`${this.name} failed: ${message2}`, error);
    } finally {
      reader.releaseLock();
      this.endReach();
    }
  }
  /** True when every record up to the recorded `position` has been received. */
  holds(position) {
    if (this.replayable) return typeof position !== "number" || this.received() >= position;
    return this.log ? this.buffer.covers(position) : true;
  }
  /** Answers the `reach` calls whose position has been received. */
  answerReach() {
    const waiting = this.reachWaits;
    this.reachWaits = waiting.filter(({ position }) => !this.holds(position));
    for (const { position, resolve } of waiting) if (this.holds(position)) resolve(true);
  }
  /** Nothing more will be received: every `reach` call is answered with what is held. */
  endReach() {
    this.ended = true;
    const waiting = this.reachWaits;
    this.reachWaits = [];
    for (const { position, resolve } of waiting) resolve(this.holds(position));
  }
  /** Records made by `make`, logged before they are buffered (and before the next chunk is pulled). */
  async logged(make) {
    const out = [];
    make(out);
    if (out.length === 0) return;
    this.buffer.push(out, await this.log.append(out));
  }
  /** Records the next batch may take. */
  limit() {
    return this.context?.maxRecordsPerBatch() ?? Infinity;
  }
};
var ReadableSource = class extends StreamSource {
  name = "readableStream";
  constructor(stream) {
    super(() => stream, false);
  }
  accept(chunk, out) {
    out.push(chunk);
  }
};

// src/sources/lines.ts
var DEFAULT_MAX_LINE_LENGTH = 1048576;
var CR = 13;
var fatalDecoder2 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
var lenientDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
function sequenceLength(byte) {
  if (byte < 194) return byte < 128 ? 1 : 0;
  if (byte < 224) return 2;
  if (byte < 240) return 3;
  return byte < 245 ? 4 : 0;
}
function isContinuation(byte) {
  return (byte & 192) === 128;
}
var LineSplitter = class {
  maxLineLength;
  /** Text of the line in progress; never longer than maxLineLength + 1 (room for a CRLF's '\r'). */
  pending = "";
  /** True while discarding the rest of an over-long line, up to its '\n'. */
  skipping = false;
  /** Whether the next decoded text is the start of the stream, where a BOM is dropped. */
  atStreamStart = true;
  /**
   * Trailing bytes of the last chunk that may be the start of a multi-byte sequence completed by
   * the next chunk. At most 3 bytes: a lead byte and up to two continuation bytes.
   */
  carry = new Uint8Array(4);
  carryLength = 0;
  _invalidUtf8 = 0;
  _overlongLines = 0;
  constructor(options) {
    const max3 = options?.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    if (!(max3 >= 0 && (Number.isInteger(max3) || max3 === Infinity))) {
      throw new RivuletError(
        "INVALID_ARGUMENT",
        `maxLineLength must be a non-negative integer or Infinity, got ${String(max3)}`
      );
    }
    this.maxLineLength = max3;
  }
  /** U+FFFD replacements made for invalid or truncated UTF-8 (WHATWG decoder semantics). */
  get invalidUtf8() {
    return this._invalidUtf8;
  }
  /** Lines longer than maxLineLength, dropped whole (never emitted, never truncated). */
  get overlongLines() {
    return this._overlongLines;
  }
  /** Feeds one chunk; appends every line completed by it to `out`, returns the number appended. */
  push(chunk, out) {
    if (typeof chunk === "string") {
      if (chunk.length === 0) return 0;
      let n2 = 0;
      if (this.carryLength > 0) n2 += this.flushCarry(out);
      this.atStreamStart = false;
      return n2 + this.cut(chunk, out);
    }
    let bytes2 = chunk;
    if (bytes2.length === 0) return 0;
    let n = 0;
    if (this.carryLength > 0) {
      const need = sequenceLength(this.carry[0]);
      let i = 0;
      while (this.carryLength < need && i < bytes2.length && isContinuation(bytes2[i])) {
        this.carry[this.carryLength++] = bytes2[i++];
      }
      if (this.carryLength < need && i === bytes2.length) return 0;
      n += this.flushCarry(out);
      if (i === bytes2.length) return n;
      bytes2 = bytes2.subarray(i);
    }
    let end = bytes2.length;
    const stop = Math.max(0, end - 3);
    for (let j = end - 1; j >= stop; j--) {
      const b = bytes2[j];
      if (isContinuation(b)) continue;
      if (sequenceLength(b) > end - j) {
        this.carry.set(bytes2.subarray(j, end));
        this.carryLength = end - j;
        end = j;
      }
      break;
    }
    if (end === 0) return n;
    return n + this.cut(this.decode(end === bytes2.length ? bytes2 : bytes2.subarray(0, end)), out);
  }
  /**
   * End of stream: flushes a truncated UTF-8 sequence as U+FFFD and emits the last line if it had
   * no trailing newline. The splitter is then ready for a new stream; the counters keep counting.
   */
  end(out) {
    let n = 0;
    if (this.carryLength > 0) n += this.flushCarry(out);
    const line = this.pending;
    if (!this.skipping && line.length > 0) {
      if (line.length > this.maxLineLength) this._overlongLines++;
      else {
        out.push(line);
        n++;
      }
    }
    this.pending = "";
    this.skipping = false;
    this.atStreamStart = true;
    return n;
  }
  flushCarry(out) {
    const text = this.decode(this.carry.subarray(0, this.carryLength));
    this.carryLength = 0;
    return this.cut(text, out);
  }
  decode(bytes2) {
    let text;
    try {
      text = fatalDecoder2.decode(bytes2);
    } catch {
      text = lenientDecoder.decode(bytes2);
      this._invalidUtf8 += countReplacements(text, bytes2);
    }
    if (this.atStreamStart) {
      this.atStreamStart = false;
      if (text.charCodeAt(0) === 65279) text = text.slice(1);
    }
    return text;
  }
  /** Cuts decoded text into lines, continuing the pending line. */
  cut(s, out) {
    if (s.length === 0) return 0;
    const max3 = this.maxLineLength;
    let n = 0;
    let start = 0;
    let nl = s.indexOf("\n");
    if (this.skipping) {
      if (nl === -1) return 0;
      this.skipping = false;
      start = nl + 1;
      nl = s.indexOf("\n", start);
    } else if (this.pending.length > 0 && nl !== -1) {
      const p = this.pending;
      const cr = nl > 0 ? s.charCodeAt(nl - 1) === CR : p.charCodeAt(p.length - 1) === CR;
      const length = p.length + nl - (cr ? 1 : 0);
      if (length > max3) this._overlongLines++;
      else {
        out.push(nl === 0 ? cr ? p.slice(0, -1) : p : p + s.slice(0, cr ? nl - 1 : nl));
        n++;
      }
      this.pending = "";
      start = nl + 1;
      nl = s.indexOf("\n", start);
    }
    while (nl !== -1) {
      const lineEnd = nl > start && s.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      if (lineEnd - start > max3) this._overlongLines++;
      else {
        out.push(s.slice(start, lineEnd));
        n++;
      }
      start = nl + 1;
      nl = s.indexOf("\n", start);
    }
    if (start < s.length) this.keepTail(s, start);
    return n;
  }
  keepTail(s, start) {
    const length = this.pending.length + s.length - start;
    const limit = this.maxLineLength + 1;
    if (length > limit || length === limit && s.charCodeAt(s.length - 1) !== CR) {
      this._overlongLines++;
      this.skipping = true;
      this.pending = "";
      return;
    }
    this.pending = start === 0 ? this.pending + s : this.pending + s.slice(start);
  }
};
function countReplacements(text, bytes2) {
  let replacements = 0;
  for (let i = text.indexOf("\uFFFD"); i !== -1; i = text.indexOf("\uFFFD", i + 1)) replacements++;
  for (let i = bytes2.indexOf(239); i !== -1 && i + 2 < bytes2.length; i = bytes2.indexOf(239, i + 1)) {
    if (bytes2[i + 1] === 191 && bytes2[i + 2] === 189) replacements--;
  }
  return replacements;
}

// src/sources/utf8-lines.ts
var decoderAtStart = new TextDecoder("utf-8");
var decoder2 = new TextDecoder("utf-8", { ignoreBOM: true });
var strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
function hasLongerLine(bytes2, max3) {
  const n = bytes2.length;
  let start = 0;
  while (n - start > max3 + 1) {
    const newline = bytes2.lastIndexOf(10, start + max3);
    if (newline < start) return true;
    start = newline + 1;
  }
  return false;
}
function countNewlines(bytes2) {
  const n = bytes2.length;
  let newlines = 0;
  let or = 0;
  let i = 0;
  const head = 4 - (bytes2.byteOffset & 3) & 3;
  for (; i < Math.min(head, n); i++) {
    or |= bytes2[i];
    if (bytes2[i] === 10) newlines++;
  }
  const words2 = n - i >>> 2;
  if (words2 > 0) {
    const view = new Uint32Array(bytes2.buffer, bytes2.byteOffset + i, words2);
    for (let w = 0; w < words2; w++) {
      const x = view[w];
      or |= x;
      const y = x ^ 168430090;
      const zero = ~((y & 2139062143) + 2139062143 | y | 2139062143);
      if (zero !== 0) newlines += Math.imul(zero >>> 7, 16843009) >>> 24;
    }
    i += words2 << 2;
  }
  for (; i < n; i++) {
    or |= bytes2[i];
    if (bytes2[i] === 10) newlines++;
  }
  return { newlines, ascii: (or & 2155905152) === 0 };
}
function decodeLines(bytes2, atStreamStart) {
  const text = (atStreamStart ? decoderAtStart : decoder2).decode(decodable(bytes2));
  const lines = text.split("\n");
  lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
  }
  return lines;
}

// src/sources/held-lines.ts
var SHARED_BATCH_BYTES = 1 << 16;
var NEWLINE3 = 10;
var SPARE_BUFFERS = 2;
var MIN_SEGMENT_BYTES = 1 << 14;
var HeldLines = class {
  maxLineLength;
  /** When set, the bytes are also kept as segments of at most about this size, each ending at a line end. */
  segmentBytes;
  /** Large batches go into shared memory, for workers that read them in place. */
  shared;
  /** This batch's segment size: a 32nd of the previous batch, within bounds, so slices balance. */
  segmentSize = MIN_SEGMENT_BYTES;
  segments = [];
  segment;
  segmentUsed = 0;
  /** Where the open segment starts in the batch. */
  segmentStart = 0;
  buffer;
  /**
   * Whole buffers of batches their stream has forgotten: the first writes to fresh memory cost
   * page faults (about 3 ms per MB on a small VM, as much as the kernels' work on a batch), and
   * a buffer written before costs none.
   */
  spare = [];
  used = 0;
  /** The previous batch's size: the next buffer starts a little larger. */
  expected = 0;
  lines = 0;
  valid = true;
  long = false;
  /** Bytes of the line in progress (pieces may end mid-line). */
  lineBytes = 0;
  /** Fed once a non-ASCII byte has been seen: validates what follows, sequences split across pieces included. */
  validator;
  /**
   * `segmentBytes`: also keep the batch as separate buffers of about that many bytes, cut at
   * line ends, copied as pieces arrive: where workers get their slices by transfer, whole
   * segments are transferred, so the batch's own bytes stay for retries and nothing is copied
   * when the batch runs. Unused when the batch itself is in shared memory.
   */
  constructor(maxLineLength, segmentBytes, shared = false) {
    this.maxLineLength = maxLineLength;
    this.segmentBytes = segmentBytes;
    this.shared = shared;
    if (segmentBytes !== void 0) this.segmentSize = Math.min(segmentBytes, MIN_SEGMENT_BYTES);
  }
  /** Bytes held. */
  get length() {
    return this.used;
  }
  /** Complete lines held. */
  get lineCount() {
    return this.lines;
  }
  /** Holds `piece`, the next bytes of the text. */
  append(piece) {
    if (piece.length === 0) return;
    this.reserve(piece.length);
    this.buffer.set(piece, this.used);
    if (this.segmentBytes !== void 0 && !isSharedView(this.buffer)) this.segmentPiece(piece);
    this.used += piece.length;
    const { newlines, ascii: ascii2 } = countNewlines(piece);
    this.lines += newlines;
    if (this.valid && (!ascii2 || this.validator)) {
      this.validator ??= new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
      try {
        this.validator.decode(piece, { stream: true });
      } catch {
        this.valid = false;
      }
    }
    if (!this.long) this.long = this.longLineIn(piece, newlines);
  }
  /**
   * The held bytes (ending with a newline), their check, and the same bytes as segments when
   * kept; holds nothing after.
   */
  take() {
    const bytes2 = this.buffer?.subarray(0, this.used) ?? new Uint8Array(0);
    if (this.segment && this.segmentUsed > 0) this.closeSegment();
    const segments = this.segments.length > 0 && !isSharedView(bytes2) ? this.segments : void 0;
    this.segments = [];
    this.segment = void 0;
    this.segmentUsed = this.segmentStart = 0;
    if (this.valid && this.validator) {
      try {
        this.validator.decode();
      } catch {
        this.valid = false;
      }
    }
    const scan = { lines: this.lines, clean: this.valid && !this.long };
    this.expected = this.used;
    if (this.segmentBytes !== void 0) this.segmentSize = Math.min(this.segmentBytes, Math.max(MIN_SEGMENT_BYTES, Math.floor(this.used / 32)));
    this.buffer = void 0;
    this.used = this.lines = this.lineBytes = 0;
    this.valid = true;
    this.long = false;
    this.validator = void 0;
    return { bytes: bytes2, scan, segments };
  }
  /**
   * `piece` (at `this.used` in the batch) into the open segment, closing it at the first line end
   * past the segment size. A segment's bytes start at its batch offset modulo 8 in its buffer,
   * so copies of consecutive segments into one place stay aligned with the source.
   */
  segmentPiece(piece) {
    const size = Math.max(this.segmentSize, Math.min(this.segmentBytes, Math.floor(this.used / 32)));
    let rest = piece;
    while (rest.length > 0) {
      const room = size - this.segmentUsed;
      const cut2 = rest.length >= room ? rest.indexOf(NEWLINE3, Math.max(0, room - 1)) : -1;
      const take2 = cut2 < 0 ? rest : rest.subarray(0, cut2 + 1);
      this.segmentAppend(take2);
      if (cut2 >= 0) this.closeSegment();
      rest = rest.subarray(take2.length);
    }
  }
  segmentAppend(bytes2) {
    const skew = this.segmentStart & 7;
    const need = skew + this.segmentUsed + bytes2.length;
    if (!this.segment || need > this.segment.length) {
      const next = new Uint8Array(Math.max(need, (this.segmentSize + 8) * (this.segment ? 2 : 1)));
      if (this.segment) next.set(this.segment.subarray(skew, skew + this.segmentUsed), skew);
      this.segment = next;
    }
    this.segment.set(bytes2, skew + this.segmentUsed);
    this.segmentUsed += bytes2.length;
  }
  closeSegment() {
    const skew = this.segmentStart & 7;
    this.segments.push(this.segment.subarray(skew, skew + this.segmentUsed));
    this.segmentStart += this.segmentUsed;
    this.segment = void 0;
    this.segmentUsed = 0;
  }
  /**
   * Takes back the buffer of `bytes` (what `take` gave out) once nothing reads it any more: the
   * batch that held it was forgotten, or its lines were decoded. Only large buffers are kept.
   */
  recycle(bytes2) {
    const whole = new Uint8Array(bytes2.buffer);
    if (whole.length < SHARED_BATCH_BYTES || whole.buffer === this.buffer?.buffer || this.spare.some((b) => b.buffer === whole.buffer)) return;
    this.spare.push(whole);
    if (this.spare.length > SPARE_BUFFERS) this.spare.shift();
  }
  /** Room for `n` more bytes: a new buffer (a quarter larger than the last batch) when full. */
  reserve(n) {
    const need = this.used + n;
    if (this.buffer && need <= this.buffer.length) return;
    const size = Math.max(need, this.buffer ? this.buffer.length * 2 : Math.ceil(this.expected * 1.25), 4096);
    const shared = this.shared && size >= SHARED_BATCH_BYTES && sharedMemoryUsable();
    const next = this.spareOf(size, shared) ?? (shared ? new Uint8Array(new SharedArrayBuffer(size)) : new Uint8Array(size));
    if (this.buffer) next.set(this.buffer.subarray(0, this.used));
    this.buffer = next;
  }
  /** A kept buffer of at least `size` bytes, of the kind asked for, taken out of the spares. */
  spareOf(size, shared) {
    const i = this.spare.findIndex((b) => b.length >= size && isSharedView(b) === shared);
    return i < 0 ? void 0 : this.spare.splice(i, 1)[0];
  }
  /** True when a line reaching into `piece` has more bytes than `maxLineLength` (as `scanLines`). */
  longLineIn(piece, newlines) {
    const max3 = this.maxLineLength;
    if (newlines === 0) {
      this.lineBytes += piece.length;
      return this.lineBytes > max3;
    }
    const first2 = piece.indexOf(NEWLINE3);
    const last = newlines === 1 ? first2 : piece.lastIndexOf(NEWLINE3);
    if (this.lineBytes + first2 > max3) return true;
    this.lineBytes = piece.length - last - 1;
    return this.lineBytes > max3 || last > first2 && hasLongerLine(piece.subarray(first2 + 1, last + 1), max3);
  }
};

// src/sources/reconnecting.ts
var DEFAULT_RECONNECT_MS = 2e3;
function reconnectDelayMs(delay, name) {
  if (delay === void 0) return DEFAULT_RECONNECT_MS;
  if (delay === false) return void 0;
  if (!(delay instanceof Duration)) throw new RivuletError("INVALID_ARGUMENT", `${name}: reconnectDelay must be a Duration (e.g. Seconds(2)) or false`);
  return delay.milliseconds;
}
function reconnectingStream(connect2, context, label, reconnectMs) {
  return new Connections(connect2, context, label, reconnectMs, true).stream;
}
function reconnectingRecords(connect2, context, label, reconnectMs) {
  return new Connections(connect2, context, label, reconnectMs, false).stream;
}
var LINE_END = new Uint8Array([10]);
var Connections = class {
  constructor(connect2, context, label, reconnectMs, lines) {
    this.connect = connect2;
    this.context = context;
    this.label = label;
    this.reconnectMs = reconnectMs;
    this.lines = lines;
    this.stream = new ReadableStream(
      {
        pull: (controller) => this.pull(controller),
        cancel: async (reason) => {
          this.cancelled = true;
          this.wake?.();
          await this.reader?.cancel(reason).catch(() => void 0);
        }
      },
      { highWaterMark: 0 }
    );
  }
  connect;
  context;
  label;
  reconnectMs;
  lines;
  stream;
  reader;
  /** The line end a connection that stops mid-line needs: none, or one of the chunks' kind. */
  pendingEnd;
  cancelled = false;
  /** Ends a wait to connect again: cancels its timer and lets the pull go on. */
  wake;
  async pull(controller) {
    const { address } = this.label;
    for (; ; ) {
      if (this.cancelled) return;
      if (!this.reader) {
        try {
          this.reader = (await this.connect()).getReader();
        } catch (error) {
          if (!await this.lost(controller, address ? `could not connect to ${address}` : "could not open the stream", error)) return;
          continue;
        }
        if (this.cancelled) return void this.reader.cancel().catch(() => void 0);
      }
      let chunk;
      try {
        chunk = await this.reader.read();
      } catch (error) {
        this.endLine(controller);
        if (!await this.lost(controller, address ? `the connection to ${address} failed` : "the stream failed", error)) return;
        continue;
      }
      if (chunk.done) {
        this.endLine(controller);
        if (!await this.lost(controller, address ? `the connection to ${address} was closed by the server` : "the stream ended", void 0)) return;
        continue;
      }
      const value = chunk.value;
      if (this.lines) {
        const text = value;
        if (text.length === 0) continue;
        const last = typeof text === "string" ? text.charCodeAt(text.length - 1) : text[text.length - 1];
        this.pendingEnd = last === 10 ? void 0 : typeof text === "string" ? "\n" : LINE_END;
      }
      controller.enqueue(value);
      return;
    }
  }
  endLine(controller) {
    if (this.pendingEnd !== void 0) controller.enqueue(this.pendingEnd);
    this.pendingEnd = void 0;
  }
  /** Reports a lost connection; true once it is time to connect again, false when the stream ends. */
  async lost(controller, what, error) {
    this.reader?.releaseLock();
    this.reader = void 0;
    if (this.cancelled) return false;
    const { name } = this.label;
    const detail = error === void 0 ? "" : `: ${error instanceof Error ? error.message : String(error)}`;
    if (this.reconnectMs === void 0) {
      if (error !== void 0) throw new RivuletError("SOURCE_FAILED", `${name}: ${what}${detail}`, { cause: error });
      controller.close();
      return false;
    }
    const context = this.context;
    context.reportStopped(`Restarting receiver with delay ${this.reconnectMs}ms: ${name}: ${what}${detail}`, error);
    await new Promise((resolve) => {
      const cancelTimer = context.schedule(context.now() + this.reconnectMs, resolve);
      this.wake = () => {
        cancelTimer();
        resolve();
      };
    });
    this.wake = void 0;
    if (this.cancelled) return false;
    context.reportStarted();
    return true;
  }
};
function lineInputOpener(input, reconnectDelay, label) {
  if (typeof input === "function") {
    const ms = reconnectDelayMs(reconnectDelay, label.name);
    return { open: (_offset, context) => reconnectingStream(input, context, label, ms), replayable: false };
  }
  if (reconnectDelay !== void 0) {
    throw new RivuletError("INVALID_ARGUMENT", `${label.name}: reconnectDelay applies to a connect function (() => stream), which can be opened again`);
  }
  if (typeof input.open === "function" && typeof input.getReader !== "function") {
    const replayable = input;
    return { open: (offset) => replayable.open(offset), replayable: true };
  }
  const stream = input;
  return { open: () => stream, replayable: false };
}

// src/sources/text.ts
var DEFAULT_MAX_LINE_LENGTH2 = 1048576;
var NO_BYTES = new Uint8Array(0);
var LINE_END2 = new Uint8Array([10]);
var CR2 = 13;
var BYTES_PER_RECORD = 64;
var TextSource = class extends StreamSource {
  name = "textStream";
  splitter;
  options;
  maxLineLength;
  /** Bytes read, and bytes up to the end of the last complete line (replayable sources). */
  bytesRead = 0;
  bytesOfLines = 0;
  /** Once strings arrive (or the log is on), every chunk goes through the splitter. */
  lineByLine = false;
  /** Complete lines held as bytes for the next batch, and the partial line after them. */
  held;
  tail = [];
  tailLength = 0;
  droppingLongLine = false;
  longLinesDropped = 0;
  atStreamStart = true;
  /** Set when lines were dropped between held lines, so the held bytes are not contiguous in the stream. */
  heldGap = false;
  /**
   * `segmentBytes` (set by the context when its workers get batches by transfer): also keep each
   * batch as segments of about that size, for workers to take without a copy. `sharedBatches`
   * (set when its workers read batches in place): assemble large batches in shared memory.
   */
  constructor(source, options = {}, segmentBytes, sharedBatches = false, label = { name: "textStream" }) {
    const { open, replayable } = lineInputOpener(source, options.reconnectDelay, label);
    super(open, replayable);
    this.options = options;
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH2;
    this.splitter = new LineSplitter(options);
    this.held = new HeldLines(this.maxLineLength, segmentBytes, sharedBatches);
  }
  accept(chunk, out) {
    if (typeof chunk !== "string") {
      const newline = chunk.lastIndexOf(10);
      if (newline >= 0) this.bytesOfLines = this.bytesRead + newline + 1;
      this.bytesRead += chunk.length;
    }
    if (!this.lineByLine && (typeof chunk === "string" || this.logging)) this.switchToLines(out);
    if (this.lineByLine) {
      this.splitter.push(chunk, out);
      return;
    }
    this.holdBytes(chunk);
  }
  finish(out) {
    if (!this.lineByLine && this.tailLength > 0) {
      const last = this.tail[this.tail.length - 1];
      if (last[last.length - 1] === CR2) {
        this.switchToLines(out);
      } else {
        for (const t of this.tail) this.held.append(t);
        this.held.append(LINE_END2);
        this.tail = [];
        this.tailLength = 0;
      }
    }
    this.splitter.end(out);
    this.bytesOfLines = this.bytesRead;
  }
  takeFrom(limit) {
    return this.takeLines(limit, (bytes2, lines, room) => lines > room ? [afterNthNewline(bytes2, room), room] : void 0);
  }
  takeThrough(offset) {
    const wanted = offset - this.offset();
    return this.takeLines(Infinity, (bytes2) => {
      if (wanted >= bytes2.length) return void 0;
      const cut2 = wanted <= 0 ? 0 : bytes2.lastIndexOf(10, wanted - 1) + 1;
      return [cut2, countNewlines(bytes2.subarray(0, cut2)).newlines];
    });
  }
  /**
   * A batch: the records held as strings, at most `limit`, then the lines held as bytes up to the
   * cut `cutAt` gives (where, and how many lines are before it; undefined: all of them).
   */
  takeLines(limit, cutAt) {
    const records = this.buffer.take(this.lineByLine && this.replayable ? Infinity : limit);
    if (this.held.length === 0 && records.length === 0 && !this.lineByLine) return { records, lazy: { count: 0, load: () => [], utf8Lines: NO_BYTES } };
    if (this.held.length === 0 || records.length >= limit) return { records };
    let { bytes: bytes2, scan, segments } = this.held.take();
    const cut2 = this.replayable && this.heldGap ? void 0 : cutAt(bytes2, scan.lines, limit - records.length);
    if (cut2 !== void 0) {
      this.held.append(bytes2.subarray(cut2[0]));
      bytes2 = bytes2.subarray(0, cut2[0]);
      scan = { lines: cut2[1], clean: scan.clean };
      segments = void 0;
    }
    if (this.held.length === 0) this.heldGap = false;
    const atStart = this.atStreamStart;
    if (bytes2.length > 0) this.atStreamStart = false;
    if (!scan.clean || records.length > 0) {
      this.splitter.push(decodable(bytes2), records);
      return { records };
    }
    const text = atStart && bytes2[0] === 239 && bytes2[1] === 187 && bytes2[2] === 191 ? bytes2.subarray(3) : bytes2;
    const pieces = segments && text !== bytes2 ? [segments[0].subarray(3), ...segments.slice(1)] : segments;
    const release = () => this.held.recycle(bytes2);
    return { records, lazy: { count: scan.lines, load: () => decodeLines(text, false), utf8Lines: text, utf8Segments: pieces, release } };
  }
  buffered() {
    return super.buffered() + this.held.lineCount + Math.floor(this.tailLength / BYTES_PER_RECORD);
  }
  offset() {
    return this.bytesOfLines - this.held.length;
  }
  received() {
    return this.bytesOfLines;
  }
  seek(offset) {
    this.splitter = new LineSplitter(this.options);
    this.bytesRead = this.bytesOfLines = offset;
    this.atStreamStart = offset === 0;
  }
  metadata() {
    return {
      invalidUtf8: this.splitter.invalidUtf8,
      overlongLines: this.splitter.overlongLines + this.longLinesDropped
    };
  }
  /** Keeps complete lines as bytes and the partial line after them for the next chunk. */
  holdBytes(chunk) {
    if (this.droppingLongLine) {
      const newline2 = chunk.indexOf(10);
      if (newline2 < 0) return;
      this.droppingLongLine = false;
      this.heldGap ||= this.held.length > 0;
      chunk = chunk.subarray(newline2 + 1);
    }
    const newline = chunk.lastIndexOf(10);
    if (newline < 0) {
      this.tail.push(chunk);
      this.tailLength += chunk.length;
      if (this.tailLength > this.maxLineLength * 3) {
        this.tail = [];
        this.tailLength = 0;
        this.droppingLongLine = true;
        this.longLinesDropped++;
      }
      return;
    }
    for (const t of this.tail) this.held.append(t);
    this.held.append(chunk.subarray(0, newline + 1));
    this.tail = newline + 1 < chunk.length ? [chunk.subarray(newline + 1)] : [];
    this.tailLength = chunk.length - newline - 1;
  }
  /** From now on every chunk goes through the splitter; bytes held so far go first. */
  switchToLines(out) {
    this.lineByLine = true;
    if (this.held.length > 0) this.splitter.push(decodable(this.held.take().bytes), out);
    for (const t of this.tail) this.splitter.push(t, out);
    this.tail = [];
    this.tailLength = 0;
    if (this.droppingLongLine) {
      this.splitter.push(new Uint8Array(this.maxLineLength + 1).fill(32), out);
      this.longLinesDropped--;
      this.droppingLongLine = false;
    }
  }
};
function afterNthNewline(bytes2, n) {
  let at = -1;
  for (let i = 0; i < n; i++) at = bytes2.indexOf(10, at + 1);
  return at + 1;
}

// src/sources/handle-directory.ts
function isDirectoryHandle(value) {
  if (typeof value !== "object" || value === null) return false;
  const h = value;
  return h.kind === "directory" && typeof h.getFileHandle === "function";
}
function handleDirectory(handle) {
  const listable = handle;
  if (typeof listable.entries !== "function") {
    throw new RivuletError("INVALID_ARGUMENT", "this directory handle cannot list its entries (no entries()): this browser's File System API is too old");
  }
  return {
    async list() {
      const files = [];
      for await (const [name, entry] of listable.entries()) {
        if (entry.kind !== "file") continue;
        let file;
        try {
          file = await entry.getFile();
        } catch (error) {
          if (isNotFound(error)) continue;
          throw error;
        }
        files.push({ name, modifiedTime: file.lastModified, size: file.size });
      }
      return files;
    },
    async read(name) {
      const file = await (await handle.getFileHandle(name)).getFile();
      return new Uint8Array(await file.arrayBuffer());
    }
  };
}
function isNotFound(error) {
  return typeof error === "object" && error !== null && error.name === "NotFoundError";
}

// src/sources/directory.ts
function toDirectory(input, local) {
  if (typeof input === "string" || input instanceof URL) return local(input);
  if (isDirectory(input)) return input;
  if (isDirectoryHandle(input)) return handleDirectory(input);
  throw new RivuletError(
    "INVALID_ARGUMENT",
    "textFileStream needs a directory: a path or file URL (Node), a FileSystemDirectoryHandle, or an object with list() and read(name)"
  );
}
function isDirectory(input) {
  if (typeof input !== "object" || input === null) return false;
  const d = input;
  return typeof d.list === "function" && typeof d.read === "function";
}

// src/sources/file-records.ts
function fileLines(options) {
  const splitter = new LineSplitter(options);
  return {
    decode(_name, bytes2, out) {
      splitter.push(decodable(bytes2), out);
      splitter.end(out);
    },
    counters: () => ({ invalidUtf8: splitter.invalidUtf8, overlongLines: splitter.overlongLines })
  };
}
function fixedLengthRecords(recordLength) {
  if (!Number.isSafeInteger(recordLength) || recordLength <= 0) {
    throw new RivuletError("INVALID_ARGUMENT", `binaryRecordsStream: recordLength must be a positive integer, got ${String(recordLength)}`);
  }
  let partial = 0;
  return {
    decode(name, bytes2, out, report) {
      const whole = bytes2.length - bytes2.length % recordLength;
      for (let at = 0; at < whole; at += recordLength) out.push(bytes2.subarray(at, at + recordLength));
      if (whole === bytes2.length) return;
      partial++;
      report(
        `binaryRecordsStream: ${name} has ${bytes2.length} bytes, not a multiple of the record length ${recordLength}; its last ${bytes2.length - whole} bytes are dropped and counted in partialRecords`,
        new RivuletError("INVALID_INPUT", `${name}: ${bytes2.length - whole} bytes after the last whole record`)
      );
    },
    counters: () => ({ partialRecords: partial })
  };
}
function recordsOf(read) {
  if (typeof read !== "function") throw new RivuletError("INVALID_ARGUMENT", "fileStream: read must be a function (bytes, name) => records");
  let failed = 0;
  return {
    decode(name, bytes2, out, report) {
      let records;
      try {
        const made = read(bytes2, name);
        if (typeof made?.[Symbol.iterator] !== "function") {
          throw new TypeError(`read gave ${made === null ? "null" : typeof made}, which is not iterable`);
        }
        records = Array.isArray(made) ? made : Array.from(made);
      } catch (error) {
        failed++;
        const message2 = error instanceof Error ? error.message : String(error);
        report(`fileStream: reading ${name} failed (${message2}); its records are dropped and counted in unreadableRecords`, error);
        return;
      }
      for (let i = 0; i < records.length; i++) out.push(records[i]);
    },
    counters: () => ({ unreadableRecords: failed })
  };
}

// src/sources/file-window.ts
var FileWindow = class {
  /** How long selections are remembered, in ms: whole batches, at least one. */
  rememberMs;
  intervalMs;
  newFilesOnly;
  startThreshold = -Infinity;
  lastBatch;
  started = false;
  byBatch = /* @__PURE__ */ new Map();
  recent = /* @__PURE__ */ new Set();
  constructor(intervalMs, minRememberMs, newFilesOnly) {
    this.intervalMs = intervalMs;
    this.newFilesOnly = newFilesOnly;
    this.rememberMs = intervalMs * Math.max(1, Math.ceil(minRememberMs / intervalMs));
  }
  /** The stream starts at `now`, unless a checkpoint said where it stands. */
  begin(now) {
    if (this.started) return;
    this.started = true;
    if (this.newFilesOnly) this.startThreshold = now;
  }
  /** Files modified at or before this are not new for the batch at `time`. */
  threshold(time) {
    if (this.lastBatch === void 0 && !this.newFilesOnly) return -Infinity;
    return Math.max(this.startThreshold, time - this.rememberMs);
  }
  /**
   * The threshold of the next batch (or a bound below it before the first): files at or below it
   * will never be taken, so a listing need not read them.
   */
  nextThreshold() {
    return this.lastBatch === void 0 ? this.startThreshold : this.threshold(this.lastBatch + this.intervalMs);
  }
  /** True when a batch still remembered took `name`. */
  remembered(name) {
    return this.recent.has(name);
  }
  /** The batch at `time` took `names`; selections that can no longer matter are forgotten. */
  record(time, names) {
    this.lastBatch = time;
    this.byBatch.set(time, names);
    for (const name of names) this.recent.add(name);
    for (const [batch, taken] of this.byBatch) {
      if (batch >= time - this.rememberMs) continue;
      this.byBatch.delete(batch);
      for (const name of taken) this.recent.delete(name);
    }
  }
  /** Where the stream stands, as a plain value for checkpoints. */
  position() {
    if (this.lastBatch === void 0) return void 0;
    return {
      batchTime: this.lastBatch,
      startThreshold: this.startThreshold,
      selected: [...this.byBatch].map(([time, names]) => [time, [...names]])
    };
  }
  /** Takes back a checkpointed position (before the stream starts); storage is not trusted. */
  restore(position) {
    if (position === null || position === void 0) return;
    const p = asPosition(position);
    this.started = true;
    this.startThreshold = p.startThreshold;
    this.lastBatch = p.batchTime;
    this.byBatch.clear();
    this.recent.clear();
    for (const [time, names] of p.selected) {
      this.byBatch.set(time, names);
      for (const name of names) this.recent.add(name);
    }
  }
};
function selectionAt(position, time) {
  let p;
  try {
    p = asPosition(position);
  } catch {
    return void 0;
  }
  const at = time ?? p.batchTime;
  return p.selected.find(([batch]) => batch === at)?.[1];
}
function asPosition(value) {
  const fail = (what) => {
    throw new RivuletError("CHECKPOINT_CORRUPT", `the checkpointed position of a textFileStream is not one this version can read: ${what}`);
  };
  if (typeof value !== "object" || value === null) return fail("not an object");
  const p = value;
  if (typeof p.batchTime !== "number" || !Number.isFinite(p.batchTime)) fail("batchTime is missing");
  if (typeof p.startThreshold !== "number" || Number.isNaN(p.startThreshold)) fail("startThreshold is missing");
  if (!Array.isArray(p.selected)) return fail("selected is missing");
  for (const entry of p.selected) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== "number" || !Array.isArray(entry[1])) fail("a selection is malformed");
    if (!entry[1].every((name) => typeof name === "string")) fail("a selected name is not a string");
  }
  return value;
}

// src/sources/file-stream.ts
var DEFAULT_MIN_REMEMBER_MS = 6e4;
var POLL_LEAD_MS = 250;
var FileSource = class {
  name;
  directory;
  filter;
  intervalMs;
  window;
  records;
  context;
  /** Files read ahead of their batch, by name. */
  found = /* @__PURE__ */ new Map();
  failed = /* @__PURE__ */ new Map();
  /**
   * Files that batches made again after a restart took the first time: read whatever the window
   * says of their modification time, since they were taken under it once already.
   */
  wanted = /* @__PURE__ */ new Set();
  /** Names (and modification times) of the last listing: a name not in it has just appeared. */
  listed;
  scanning;
  queued;
  cancelPoll;
  /** Set once a manual clock's settle hook drives the scans: no background polling then. */
  settling = false;
  stopped = false;
  lastFailure;
  lastInvalid = 0;
  unreadableFiles = 0;
  lateFiles = 0;
  report = (message2, error) => this.context?.reportError(message2, error);
  /** `batchInterval` is the context's: background polls are timed by it and selections remembered in whole batches of it. */
  /** `records` makes a file's records; `name` is the stream's, as listeners see it. */
  constructor(directory, options, batchInterval, records, name = "textFileStream") {
    this.name = name;
    const { filter, newFilesOnly = true, minRememberDuration } = options;
    if (filter !== void 0 && typeof filter !== "function") throw new RivuletError("INVALID_ARGUMENT", "textFileStream: filter must be a function of the file name");
    if (typeof newFilesOnly !== "boolean") throw new RivuletError("INVALID_ARGUMENT", "textFileStream: newFilesOnly must be a boolean");
    const minRememberMs = minRememberDuration === void 0 ? DEFAULT_MIN_REMEMBER_MS : typeof minRememberDuration === "object" && minRememberDuration !== null ? minRememberDuration.milliseconds : Number.NaN;
    if (typeof minRememberMs !== "number" || !(minRememberMs >= 0)) {
      throw new RivuletError("INVALID_ARGUMENT", "textFileStream: minRememberDuration must be a Duration, e.g. Minutes(1)");
    }
    this.directory = directory;
    this.filter = filter;
    this.intervalMs = batchInterval.milliseconds;
    this.window = new FileWindow(this.intervalMs, minRememberMs, newFilesOnly);
    this.records = records;
  }
  /**
   * The records (lines, or fixed-length records) of the files read ahead and modified at or
   * before `time`, in name order. Counters in the metadata: `files` taken by this batch; totals
   * since start of `unreadableFiles` (vanished or failed to read), `lateFiles` (appeared with a
   * modification time already outside the remembered window), and the records' own
   * (`invalidUtf8` and `overlongLines` for lines, `partialRecords` for fixed-length records).
   */
  take(time) {
    const due = [];
    for (const [name, file] of this.found) {
      if (this.window.remembered(name)) this.found.delete(name);
      else if (file.modifiedTime <= time) due.push(name);
    }
    due.sort(byName);
    const records = [];
    for (const name of due) {
      const file = this.found.get(name);
      this.found.delete(name);
      this.records.decode(name, file.bytes, records, this.report);
    }
    this.window.record(time, due);
    return this.taken(records, due.length);
  }
  /**
   * The batch at `time` made again after a restart: exactly the files it first took, as
   * `position` (recorded right after that take) lists them, in the same order, whatever else
   * has been read since. A file gone since (`reach` answered false) is left out and counted as
   * unreadable: the batch is made with what is left. A position that does not list the batch
   * leaves it to `take`.
   */
  takeUntil(time, position) {
    const names = selectionAt(position, time);
    if (!names) return this.take(time);
    const records = [];
    let files = 0;
    for (const name of names) {
      this.wanted.delete(name);
      const file = this.found.get(name);
      if (!file) {
        if (!this.failed.has(name)) this.unreadableFiles++;
        continue;
      }
      this.found.delete(name);
      this.records.decode(name, file.bytes, records, this.report);
      files++;
    }
    this.window.record(time, names);
    return this.taken(records, files);
  }
  /**
   * Resolves with true once every file the batch of `position` first took has been read ahead,
   * after listing the directory again if needed. False when one is no longer listed, cannot be
   * read, or the listing fails (or the stream stopped first): the file is not coming back, and
   * the batch is then made again with the files that are left (`takeUntil`).
   */
  async reach(position) {
    const names = selectionAt(position);
    if (!names) return true;
    for (const name of names) this.wanted.add(name);
    const held = () => names.every((name) => this.found.has(name));
    if (held()) return true;
    await this.scan();
    return held();
  }
  taken(records, files) {
    return {
      records,
      metadata: {
        files,
        ...this.records.counters(),
        unreadableFiles: this.unreadableFiles,
        lateFiles: this.lateFiles
      }
    };
  }
  /** The last batch and the files remembered as taken (names per batch), for checkpoints. */
  position() {
    return this.window.position();
  }
  /** Resumes after a restart: the files the checkpoint remembers as taken are not taken again. */
  restore(position) {
    this.window.restore(position);
  }
  /** Starts watching: the start time is what `newFilesOnly` compares with (unless restored). */
  start(context) {
    this.context = context;
    this.window.begin(context.now());
    context.reportStarted();
    this.cancelPoll = context.schedule(context.now(), () => this.poll(context));
  }
  /** Lists and reads ahead what the next batch may take (a manual clock awaits this before each batch). */
  async settle() {
    if (!this.context || this.stopped) return;
    this.settling = true;
    this.cancelPoll?.();
    this.cancelPoll = void 0;
    await this.scan();
  }
  /** Stops listing and reading; files already read stay for a graceful stop's last batch. */
  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelPoll?.();
    await (this.queued ?? this.scanning);
    this.context?.reportStopped("stopped with the context");
  }
  async poll(context) {
    if (this.settling || this.stopped) return;
    if (!this.scanning) await this.scan();
    if (this.settling || this.stopped) return;
    const interval = this.intervalMs;
    const lead = Math.min(POLL_LEAD_MS, Math.floor(interval / 4));
    const now = context.now();
    this.cancelPoll = context.schedule((Math.floor((now + lead) / interval) + 1) * interval - lead, () => this.poll(context));
  }
  /** One scan at a time; callers arriving during one share a single next scan. */
  scan() {
    if (this.queued) return this.queued;
    if (!this.scanning) return this.runScan();
    const queued = this.scanning.then(() => {
      this.queued = void 0;
      return this.runScan();
    });
    this.queued = queued;
    return queued;
  }
  runScan() {
    const run = this.scanOnce().finally(() => {
      if (this.scanning === run) this.scanning = void 0;
    });
    this.scanning = run;
    return run;
  }
  /** Lists the directory and reads the files that may be new; never rejects (failures are reported). */
  async scanOnce() {
    const context = this.context;
    if (!context || this.stopped) return;
    let toRead;
    try {
      let entries2;
      try {
        entries2 = await this.directory.list();
      } catch (error) {
        throw new RivuletError("SOURCE_FAILED", `listing the directory failed: ${messageOf2(error)}`, { cause: error });
      }
      toRead = this.select(entries2, context);
    } catch (error) {
      const message2 = `${this.name}: ${messageOf2(error)}`;
      if (message2 !== this.lastFailure) context.reportError(message2, error instanceof RivuletError && error.cause !== void 0 ? error.cause : error);
      this.lastFailure = message2;
      return;
    }
    this.lastFailure = void 0;
    for (const entry of toRead.sort((a, b) => byName(a.name, b.name))) {
      if (this.stopped) return;
      try {
        const bytes2 = await this.directory.read(entry.name);
        if (!(bytes2 instanceof Uint8Array)) throw new RivuletError("SOURCE_FAILED", `read(${JSON.stringify(entry.name)}) must resolve to a Uint8Array`);
        this.failed.delete(entry.name);
        this.found.set(entry.name, { modifiedTime: entry.modifiedTime, size: entry.size, bytes: bytes2 });
      } catch (error) {
        this.found.delete(entry.name);
        this.failed.set(entry.name, { modifiedTime: entry.modifiedTime, size: entry.size });
        this.unreadableFiles++;
        context.reportError(`${this.name}: ${entry.name} could not be read and is skipped: ${messageOf2(error)}`, error);
      }
    }
  }
  /** The files of a listing that may be new and are not read yet; updates what is known of the directory. */
  select(entries2, context) {
    if (!Array.isArray(entries2)) throw new RivuletError("SOURCE_FAILED", "list() must resolve to an array of { name, modifiedTime, size }");
    const floor = this.window.nextThreshold();
    const listed = /* @__PURE__ */ new Map();
    const toRead = [];
    let invalid = 0;
    for (const entry of entries2) {
      if (!isEntry(entry)) {
        invalid++;
        continue;
      }
      const { name, modifiedTime } = entry;
      if (listed.has(name) || !this.accepts(name)) continue;
      listed.set(name, modifiedTime);
      if (this.window.remembered(name)) continue;
      if (modifiedTime <= floor && !this.wanted.has(name)) {
        if (this.listed && !this.listed.has(name)) this.late(entry, floor, context);
        continue;
      }
      const known = this.found.get(name) ?? this.failed.get(name);
      if (!known || known.modifiedTime !== modifiedTime || known.size !== entry.size) toRead.push(entry);
    }
    if (invalid !== this.lastInvalid && invalid > 0) {
      context.reportError(`${this.name}: the directory listed ${invalid} entries without a name, a modifiedTime and a size; they are skipped`, void 0);
    }
    this.lastInvalid = invalid;
    for (const name of this.found.keys()) if (!listed.has(name)) this.found.delete(name);
    for (const name of this.failed.keys()) if (!listed.has(name)) this.failed.delete(name);
    this.listed = listed;
    return toRead;
  }
  accepts(name) {
    if (isHidden(name)) return false;
    if (!this.filter) return true;
    try {
      return this.filter(name);
    } catch (error) {
      throw new RivuletError("SOURCE_FAILED", `the filter threw on ${JSON.stringify(name)}: ${messageOf2(error)}`, { cause: error });
    }
  }
  late(entry, floor, context) {
    this.lateFiles++;
    context.reportError(
      `${this.name}: ${entry.name} appeared with modification time ${entry.modifiedTime}, not after ${floor} (the start of the stream or the end of the remembered window), and is ignored: move files into the directory as soon as they are written, or raise minRememberDuration`,
      void 0
    );
  }
};
function isEntry(entry) {
  if (typeof entry !== "object" || entry === null) return false;
  const e = entry;
  return typeof e.name === "string" && e.name.length > 0 && typeof e.modifiedTime === "number" && Number.isFinite(e.modifiedTime) && typeof e.size === "number" && e.size >= 0;
}
function isHidden(name) {
  return name.startsWith(".") || name.startsWith("_") || name.endsWith(".crswap");
}
function byName(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function messageOf2(error) {
  return error instanceof Error ? error.message : String(error);
}

// src/sources/write-ahead-log.ts
var WriteAheadLog = class {
  store;
  prefix;
  nextSeq = 0;
  tail = Promise.resolve();
  constructor(store, streamId) {
    this.store = store;
    this.prefix = `wal-${streamId}-`;
  }
  /** Logs `records` durably; resolves with their sequence number once written. Appends are ordered. */
  append(records) {
    const seq = this.nextSeq++;
    const write = this.tail.then(() => this.store.put(this.name(seq), frame(encodeValue(records)))).then(() => seq);
    this.tail = write.catch(() => void 0);
    return write;
  }
  /**
   * The records logged after `afterSeq`, in order, less the first `skip` of the first entry after
   * it (a batch took them before the restart), and the newest sequence number; entries up to
   * `afterSeq` are deleted. `skipped` says how many were skipped: none when that entry is gone.
   */
  async recover(afterSeq, skip = 0) {
    const out = [];
    const entries2 = [];
    let lastSeq = afterSeq;
    let corrupt2 = 0;
    let first2 = true;
    let skippedRecords = 0;
    for (const [seq, name] of await this.entries()) {
      if (seq <= afterSeq) {
        await this.store.delete(name);
        continue;
      }
      const bytes2 = await this.store.get(name);
      lastSeq = seq;
      const skipped = first2 ? skip : 0;
      first2 = false;
      if (!bytes2) continue;
      let records;
      try {
        records = decodeValue(unframe(bytes2));
      } catch {
        corrupt2++;
        continue;
      }
      if (!Array.isArray(records)) {
        corrupt2++;
        continue;
      }
      const from = Math.min(skipped, records.length);
      if (from > 0) skippedRecords = from;
      for (let i = from; i < records.length; i++) out.push(records[i]);
      entries2.push({ seq, count: records.length - from });
    }
    this.nextSeq = Math.max(this.nextSeq, lastSeq + 1);
    return { records: out, entries: entries2, skipped: skippedRecords, lastSeq, corrupt: corrupt2 };
  }
  /** Deletes the entries up to `throughSeq`: a checkpoint holds their effect now. */
  async truncate(throughSeq) {
    for (const [seq, name] of await this.entries()) if (seq <= throughSeq) await this.store.delete(name);
  }
  async entries() {
    const out = [];
    for (const name of await this.store.list()) {
      if (!name.startsWith(this.prefix)) continue;
      const seq = Number(name.slice(this.prefix.length));
      if (Number.isSafeInteger(seq)) out.push([seq, name]);
    }
    return out.sort((a, b) => a[0] - b[0]);
  }
  name(seq) {
    return this.prefix + String(seq).padStart(12, "0");
  }
};

// src/sources/socket.ts
var NAME = "socketTextStream";
function checkedConnect(name, hostname, port, given, platformConnect) {
  if (typeof hostname !== "string" || hostname === "") throw new RivuletError("INVALID_ARGUMENT", `${name}: hostname must be a non-empty string, got ${JSON.stringify(hostname)}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RivuletError("INVALID_ARGUMENT", `${name}: port must be an integer from 1 to 65535, got ${port}`);
  const connect2 = given ?? platformConnect;
  if (!connect2) {
    throw new RivuletError(
      "UNSUPPORTED",
      `${name}: this runtime has no TCP sockets known to Rivulet; pass options.connect (e.g. workerd's connect() from "cloudflare:sockets"), or use webSocketStream in a browser`
    );
  }
  return connect2;
}
var SocketSource = class extends TextSource {
  name = NAME;
  constructor(hostname, port, options, platformConnect, segmentBytes, sharedBatches = false) {
    const { connect: given, ...textOptions } = options;
    const connect2 = checkedConnect(NAME, hostname, port, given, platformConnect);
    super(() => connect2(hostname, port), textOptions, segmentBytes, sharedBatches, { name: NAME, address: `${hostname}:${port}` });
  }
};
var RECORDS_NAME = "socketStream";
var SocketRecordsSource = class extends StreamSource {
  name = RECORDS_NAME;
  constructor(hostname, port, converter, options, platformConnect) {
    const connect2 = checkedConnect(RECORDS_NAME, hostname, port, options.connect, platformConnect);
    if (typeof converter !== "function") throw new RivuletError("INVALID_ARGUMENT", `${RECORDS_NAME}: converter must be a function of a connection's bytes (a ReadableStream<Uint8Array>)`);
    const reconnectMs = reconnectDelayMs(options.reconnectDelay, RECORDS_NAME);
    const label = { name: RECORDS_NAME, address: `${hostname}:${port}` };
    super((_offset, context) => reconnectingRecords(async () => converted(await connect2(hostname, port), converter), context, label, reconnectMs), false);
  }
  accept(record, out) {
    out.push(record);
  }
};
function converted(bytes2, converter) {
  const source = bytes2.getReader();
  const letGo = (reason) => source.cancel(reason).catch(() => void 0);
  const handed = new ReadableStream(
    {
      async pull(controller) {
        const next2 = await source.read();
        if (next2.done) controller.close();
        else controller.enqueue(next2.value);
      },
      cancel: letGo
    },
    { highWaterMark: 0 }
  );
  let next;
  let stop;
  try {
    const records = converter(handed);
    if (typeof records.getReader === "function") {
      const reader = records.getReader();
      next = () => reader.read();
      stop = () => void reader.cancel().catch(() => void 0);
    } else {
      const iterable = records;
      const iterator = iterable?.[Symbol.asyncIterator]?.() ?? iterable?.[Symbol.iterator]?.();
      if (!iterator) throw new RivuletError("INVALID_ARGUMENT", `${RECORDS_NAME}: the converter must return a ReadableStream or an (async) iterable of records`);
      next = async () => iterator.next();
      stop = () => void Promise.resolve(iterator.return?.()).catch(() => void 0);
    }
  } catch (error) {
    void letGo(error);
    throw error;
  }
  return new ReadableStream(
    {
      async pull(controller) {
        let result;
        try {
          result = await next();
        } catch (error) {
          await letGo(error);
          throw error;
        }
        if (!result.done) return controller.enqueue(result.value);
        controller.close();
        await letGo();
      },
      async cancel(reason) {
        stop();
        await letGo(reason);
      }
    },
    { highWaterMark: 0 }
  );
}

// src/sources/web/connection-url.ts
function connectionUrl(url, what, protocols) {
  const base = globalThis.location?.href;
  let parsed;
  try {
    parsed = new URL(String(url), base);
  } catch (error) {
    throw new RivuletError("INVALID_ARGUMENT", `${what}: ${JSON.stringify(String(url))} is not a valid URL`, { cause: error });
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new RivuletError("INVALID_ARGUMENT", `${what}: the URL must use ${protocols.join(" or ")}, got ${JSON.stringify(parsed.href)}`);
  }
  return parsed;
}
function globalConstructor(name, what) {
  const ctor = globalThis[name];
  if (typeof ctor !== "function") {
    throw new RivuletError(
      "UNSUPPORTED",
      `${what}: this runtime has no global ${name} to open a URL with; pass an object implementing the ${name} interface instead`
    );
  }
  return ctor;
}

// src/sources/web/pushed-source.ts
var DEFAULT_MAX_BUFFERED_MESSAGES = 1e5;
var PushedSource = class {
  maxBuffered;
  buffer = new RecordBuffer();
  /** Records waiting for their log write, and how many are being written now. */
  unlogged = [];
  writing = 0;
  logging;
  log;
  restored;
  dropped = 0;
  unreadable = 0;
  overflowing = false;
  sourceContext;
  state = "initialized";
  starting;
  constructor(options) {
    const max3 = options.maxBuffered ?? DEFAULT_MAX_BUFFERED_MESSAGES;
    if (!(Number.isSafeInteger(max3) && max3 > 0)) {
      throw new RivuletError("INVALID_ARGUMENT", `maxBuffered must be a positive integer, got ${String(max3)}`);
    }
    this.maxBuffered = max3;
  }
  /** Counters of the subclass to report with each batch, besides the shared ones. */
  counters() {
    return {};
  }
  /** Everything buffered, or as much as the context's rate limit lets this batch take, with the counters. */
  take() {
    return this.handOver(this.buffer.take(this.sourceContext?.maxRecordsPerBatch() ?? Infinity));
  }
  /** With the write-ahead log: a batch made again after a restart, up to the log position it first reached. */
  takeUntil(_time, position) {
    return this.log ? this.handOver(this.buffer.takeUntil(position)) : this.take();
  }
  /** With the write-ahead log: every record a batch took before a restart is back once the log is replayed. */
  async reach(position) {
    await this.starting?.catch(() => void 0);
    return this.buffer.covers(position);
  }
  handOver(records) {
    if (records.length > 0) this.overflowing = false;
    return { records, metadata: { droppedMessages: this.dropped, unreadableMessages: this.unreadable, ...this.counters() } };
  }
  /** With the write-ahead log: where the records taken so far reach in it. */
  position() {
    return this.log ? this.buffer.position() : void 0;
  }
  /** Resumes after a checkpointed log position, before `start`. */
  restore(position) {
    this.restored = position;
  }
  /** A checkpoint covers the log up to `position`: those entries are deleted. */
  async checkpointed(position) {
    await truncateLog(this.log, position);
  }
  /** Replays what the write-ahead log holds (if on), then connects. A failure to connect is reported, not thrown. */
  start(context) {
    this.starting = this.startReceiving(context);
    return this.starting;
  }
  async startReceiving(context) {
    this.sourceContext = context;
    if (context.writeAheadLog) {
      this.log = context.writeAheadLog;
      await this.buffer.replay(this.log, this.restored, (message2) => context.reportError(message2, void 0));
    }
    if (this.state !== "initialized") return;
    this.state = "receiving";
    try {
      this.connect(context);
    } catch (error) {
      const message2 = `${this.name} could not connect: ${error instanceof Error ? error.message : String(error)}`;
      context.reportError(message2, error);
      this.end(message2, error);
    }
  }
  /**
   * Resolves once the source listens (after replaying the log, if on) and every record received
   * so far is in the buffer (written to the log first). A manual clock waits here, so what a test
   * sends after an `advance` reaches a listening source.
   */
  async settle() {
    await this.starting?.catch(() => void 0);
    while (this.logging) await this.logging;
  }
  /** Stops listening (closing the connection if the source owns it); resolves once pending log writes are done. */
  async stop() {
    if (this.state === "receiving") this.end("stopped with the context");
    this.state = "ended";
    await this.settle();
  }
  /** The context, once started. */
  get context() {
    return this.sourceContext;
  }
  /**
   * Hands over the records one message made. The message is dropped whole (and counted) if the
   * buffer is full when it arrives; a message that makes no record is not a drop.
   */
  deliver(records) {
    if (records.length === 0 || this.state !== "receiving") return;
    if (this.buffer.length + this.unlogged.length + this.writing >= this.maxBuffered) {
      this.dropped++;
      if (!this.overflowing) {
        this.overflowing = true;
        const message2 = `${this.name} received more than ${this.maxBuffered} records (maxBuffered) before the next batch: messages are dropped until a batch takes the buffer, and counted in droppedMessages`;
        this.sourceContext?.reportError(message2, new RivuletError("BUFFER_OVERFLOW", message2));
      }
      return;
    }
    if (!this.log) {
      this.buffer.push(records);
      return;
    }
    for (const r of records) this.unlogged.push(r);
    this.logging ??= this.writeLog(this.log);
  }
  /** Counts a message whose data is neither text nor bytes; the first one is reported. */
  dropUnreadable(what) {
    if (this.unreadable++ > 0) return;
    const message2 = `${this.name} cannot read ${what}; such messages are dropped and counted in unreadableMessages`;
    this.sourceContext?.reportError(message2, new RivuletError("INVALID_INPUT", message2));
  }
  /** The connection is over (closed, failed, or stopped): stop listening and report it once. */
  end(message2, error) {
    if (this.state !== "receiving") return;
    this.state = "ended";
    this.disconnect();
    this.sourceContext?.reportStopped(message2, error);
  }
  async writeLog(log) {
    while (this.unlogged.length > 0) {
      const group = this.unlogged;
      this.unlogged = [];
      this.writing = group.length;
      let seq;
      try {
        seq = await log.append(group);
      } catch (error) {
        this.writing = 0;
        this.buffer.push(group);
        this.buffer.push(this.unlogged);
        this.unlogged = [];
        const message2 = `${this.name} could not write to the write-ahead log (${error instanceof Error ? error.message : String(error)}); it stops receiving`;
        this.sourceContext?.reportError(message2, error);
        this.end(message2, error);
        break;
      }
      this.writing = 0;
      this.buffer.push(group, seq);
    }
    this.logging = void 0;
  }
};

// src/sources/web/event-source.ts
var OPEN = 1;
var CLOSED = 2;
var NAME2 = "eventSourceStream";
var RESERVED = /* @__PURE__ */ new Set(["open", "error"]);
var EventSourceSource = class extends PushedSource {
  name = NAME2;
  target;
  events;
  asEvents;
  withCredentials;
  closeOnStop;
  source;
  constructor(source, options = {}) {
    super(options);
    const fromUrl = typeof source === "string" || source instanceof URL;
    if (fromUrl) {
      this.target = connectionUrl(source, NAME2, ["http:", "https:"]);
      globalConstructor("EventSource", NAME2);
    } else {
      if (options.withCredentials !== void 0) throw new RivuletError("INVALID_ARGUMENT", `${NAME2}: withCredentials applies only when a URL is given`);
      this.target = source;
    }
    this.events = eventTypes(options.events);
    if (options.format !== void 0 && options.format !== "data" && options.format !== "event") {
      throw new RivuletError("INVALID_ARGUMENT", `${NAME2}: format must be "data" or "event", got ${JSON.stringify(options.format)}`);
    }
    this.asEvents = options.format === "event";
    this.withCredentials = options.withCredentials;
    this.closeOnStop = options.closeOnStop ?? fromUrl;
  }
  connect(context) {
    const source = this.target instanceof URL ? this.open(this.target) : this.target;
    this.source = source;
    source.addEventListener("open", this.onOpen);
    source.addEventListener("error", this.onError);
    for (const type of this.events) source.addEventListener(type, this.onEvent);
    if (source.readyState === OPEN) context.reportStarted();
    else if (source.readyState === CLOSED) this.end(`the EventSource${this.where()} was already closed`);
  }
  disconnect() {
    const source = this.source;
    if (!source) return;
    source.removeEventListener("open", this.onOpen);
    source.removeEventListener("error", this.onError);
    for (const type of this.events) source.removeEventListener(type, this.onEvent);
    if (this.closeOnStop && source.readyState !== CLOSED) source.close();
  }
  open(url) {
    const Ctor = globalConstructor("EventSource", NAME2);
    return this.withCredentials === void 0 ? new Ctor(url.href) : new Ctor(url.href, { withCredentials: this.withCredentials });
  }
  onOpen = () => this.context?.reportStarted();
  onEvent = (event) => {
    const data = event.data;
    if (typeof data !== "string") return this.dropUnreadable(`an event whose data is of type ${typeof data}`);
    this.deliver([this.asEvents ? { type: event.type, data, lastEventId: event.lastEventId ?? "" } : data]);
  };
  onError = () => {
    if (this.source?.readyState === CLOSED) {
      const message3 = `the EventSource${this.where()} failed and will not reconnect (an HTTP error, or a response that is not text/event-stream)`;
      this.context?.reportError(message3, new RivuletError("SOURCE_FAILED", message3));
      this.end(message3, new RivuletError("SOURCE_FAILED", message3));
      return;
    }
    const message2 = `the connection of the EventSource${this.where()} was lost; it reconnects by itself`;
    this.context?.reportError(message2, new RivuletError("SOURCE_FAILED", message2));
  };
  where() {
    const url = this.target instanceof URL ? this.target.href : this.source?.url;
    return url ? ` to ${url}` : "";
  }
};
function eventTypes(events) {
  if (events === void 0) return ["message"];
  if (!Array.isArray(events) || events.length === 0 || !events.every((e) => typeof e === "string" && e.length > 0)) {
    throw new RivuletError("INVALID_ARGUMENT", `${NAME2}: events must be a non-empty array of event type names`);
  }
  const reserved = events.filter((e) => RESERVED.has(e));
  if (reserved.length > 0) {
    throw new RivuletError("INVALID_ARGUMENT", `${NAME2}: ${JSON.stringify(reserved[0])} is the EventSource's own event, not a server event type`);
  }
  return [...new Set(events)];
}

// src/sources/web/json-lines.ts
var REPORTED_INVALID_LINES = 5;
var EXCERPT_LENGTH = 80;
var BLANK = /^[\t\n\r ]*$/;
var JsonLinesSource = class extends StreamSource {
  name = "jsonLinesStream";
  options;
  splitter;
  lines = [];
  /** Bytes read, and bytes up to the end of the last complete line (replayable sources). */
  bytesRead = 0;
  bytesOfLines = 0;
  /**
   * Replayable sources: where the line of each buffered record ends, and where the line of the
   * last record taken ended, so that a batch cut by a rate limit resumes at its first record.
   */
  ends = [];
  takenEnd = 0;
  invalidJson = 0;
  /** Totals of splitters replaced by a `seek`, so the counters keep counting since start. */
  invalidUtf8Before = 0;
  overlongBefore = 0;
  constructor(source, options = {}) {
    const { open, replayable } = lineInputOpener(source, options.reconnectDelay, { name: "jsonLinesStream" });
    super(open, replayable);
    this.options = options;
    this.splitter = new LineSplitter(options);
  }
  accept(chunk, out) {
    if (this.replayable && typeof chunk !== "string") {
      this.acceptLines(chunk, out);
      return;
    }
    this.splitter.push(chunk, this.lines);
    this.parse(out);
  }
  finish(out) {
    this.splitter.end(this.lines);
    const before = out.length;
    this.parse(out);
    if (this.replayable) for (let i = before; i < out.length; i++) this.ends.push(this.bytesRead);
    this.bytesOfLines = this.bytesRead;
  }
  takeFrom(limit) {
    const taken = super.takeFrom(limit);
    const n = taken.records.length;
    if (n > 0 && this.ends.length > 0) {
      this.takenEnd = this.ends[n - 1];
      this.ends.splice(0, n);
    }
    return taken;
  }
  takeThrough(offset) {
    let n = 0;
    while (n < this.ends.length && this.ends[n] <= offset) n++;
    return this.takeFrom(n);
  }
  received() {
    return this.bytesOfLines;
  }
  offset() {
    return this.ends.length > 0 ? this.takenEnd : this.bytesOfLines;
  }
  seek(offset) {
    this.invalidUtf8Before += this.splitter.invalidUtf8;
    this.overlongBefore += this.splitter.overlongLines;
    this.splitter = new LineSplitter(this.options);
    if (offset > 0) this.splitter.push("\n", []);
    this.bytesRead = this.bytesOfLines = this.takenEnd = offset;
  }
  metadata() {
    return {
      invalidJson: this.invalidJson,
      invalidUtf8: this.invalidUtf8Before + this.splitter.invalidUtf8,
      overlongLines: this.overlongBefore + this.splitter.overlongLines
    };
  }
  /**
   * A replayable source's bytes, line by line, so that each record knows where its line ends ('\n'
   * is never part of a multi-byte sequence, so each push of a line ends it in the splitter).
   */
  acceptLines(chunk, out) {
    let from = 0;
    for (let newline = chunk.indexOf(10); newline >= 0; newline = chunk.indexOf(10, from)) {
      this.splitter.push(chunk.subarray(from, newline + 1), this.lines);
      const end = this.bytesRead + newline + 1;
      const before = out.length;
      this.parse(out);
      for (let i = before; i < out.length; i++) this.ends.push(end);
      this.bytesOfLines = end;
      from = newline + 1;
    }
    if (from < chunk.length) this.splitter.push(chunk.subarray(from), this.lines);
    this.bytesRead += chunk.length;
  }
  parse(out) {
    for (const line of this.lines) {
      if (BLANK.test(line)) continue;
      try {
        out.push(JSON.parse(line));
      } catch (error) {
        this.invalid(line, error);
      }
    }
    this.lines.length = 0;
  }
  invalid(line, error) {
    if (++this.invalidJson > REPORTED_INVALID_LINES) return;
    const reason = error instanceof Error ? error.message : String(error);
    const more = this.invalidJson === REPORTED_INVALID_LINES ? "; further invalid lines are only counted (invalidJson)" : "";
    const message2 = `${this.name} dropped a line that is not JSON (${reason}): ${JSON.stringify(excerpt(line))}${more}`;
    this.sourceContext?.reportError(message2, new RivuletError("INVALID_INPUT", message2, { cause: error }));
  }
};
function excerpt(line) {
  if (line.length <= EXCERPT_LENGTH) return line;
  const end = line.charCodeAt(EXCERPT_LENGTH - 1) >= 55296 && line.charCodeAt(EXCERPT_LENGTH - 1) <= 56319 ? EXCERPT_LENGTH - 1 : EXCERPT_LENGTH;
  return `${line.slice(0, end)}\u2026 (${line.length} characters)`;
}

// src/sources/web/message.ts
var NAME3 = "messageStream";
var MessageSource = class extends PushedSource {
  name = NAME3;
  channelName;
  given;
  closeOnStop;
  filter;
  target;
  constructor(target, options = {}) {
    super(options);
    if (typeof target === "string") {
      if (typeof globalThis.BroadcastChannel !== "function") {
        throw new RivuletError("UNSUPPORTED", `${NAME3}: this runtime has no BroadcastChannel to open ${JSON.stringify(target)} with; pass a MessagePort or another message target`);
      }
      this.channelName = target;
    } else if (typeof target?.addEventListener !== "function") {
      throw new RivuletError("INVALID_ARGUMENT", `${NAME3} takes a channel name or an object with addEventListener("message"): a BroadcastChannel, MessagePort or Worker`);
    } else {
      this.given = target;
    }
    if (options.filter !== void 0 && typeof options.filter !== "function") throw new RivuletError("INVALID_ARGUMENT", `${NAME3}: filter must be a function of a message's data`);
    this.filter = options.filter;
    this.closeOnStop = options.closeOnStop ?? this.channelName !== void 0;
  }
  connect(context) {
    const target = this.given ?? new BroadcastChannel(this.channelName);
    this.target = target;
    target.addEventListener("message", this.onMessage);
    target.addEventListener("messageerror", this.onMessageError);
    target.start?.();
    context.reportStarted();
  }
  disconnect() {
    const target = this.target;
    if (!target) return;
    target.removeEventListener("message", this.onMessage);
    target.removeEventListener("messageerror", this.onMessageError);
    if (this.closeOnStop) target.close?.();
  }
  onMessage = (event) => {
    const data = event.data;
    if (this.filter && !this.filter(data)) return;
    this.deliver([data]);
  };
  onMessageError = () => this.dropUnreadable("a message that could not be deserialized (messageerror)");
};

// src/sources/web/dom-event.ts
var NAME4 = "eventStream";
var EventTargetSource = class extends PushedSource {
  name = NAME4;
  target;
  types;
  select;
  selectFailed = 0;
  constructor(target, types, select, options = {}) {
    super(options);
    if (typeof target?.addEventListener !== "function") {
      throw new RivuletError("INVALID_ARGUMENT", `${NAME4} takes an EventTarget (an element, document, window, or any object with addEventListener)`);
    }
    const list = typeof types === "string" ? [types] : types;
    if (!Array.isArray(list) || list.length === 0 || !list.every((t) => typeof t === "string" && t.length > 0)) {
      throw new RivuletError("INVALID_ARGUMENT", `${NAME4}: the event types must be a non-empty string or a non-empty array of them`);
    }
    if (typeof select !== "function") throw new RivuletError("INVALID_ARGUMENT", `${NAME4}: select must be a function of the event that gives its record`);
    this.target = target;
    this.types = [...new Set(list)];
    this.select = select;
  }
  connect(context) {
    for (const type of this.types) this.target.addEventListener(type, this.onEvent);
    context.reportStarted();
  }
  disconnect() {
    for (const type of this.types) this.target.removeEventListener(type, this.onEvent);
  }
  counters() {
    return { selectErrors: this.selectFailed };
  }
  /** The event's type is the caller's to name (`select`'s parameter), as with `addEventListener`'s string overload. */
  onEvent = (event) => {
    let record;
    try {
      record = this.select(event);
    } catch (error) {
      if (this.selectFailed++ === 0) {
        const message2 = `${NAME4}: select failed on a ${event.type} event (${error instanceof Error ? error.message : String(error)}); such events are dropped and counted in selectErrors`;
        this.context?.reportError(message2, error);
      }
      return;
    }
    if (record !== void 0) this.deliver([record]);
  };
};

// src/sources/web/websocket.ts
var CONNECTING = 0;
var OPEN2 = 1;
var CLOSED2 = 3;
var NORMAL_CLOSE = /* @__PURE__ */ new Set([1e3, 1001, 1005]);
var NAME5 = "webSocketStream";
var WebSocketSource = class extends PushedSource {
  name = NAME5;
  target;
  protocols;
  closeOnStop;
  splitter;
  socket;
  reconnectMs;
  cancelReconnect;
  disconnected = false;
  constructor(socket, options = {}) {
    super(options);
    const fromUrl = typeof socket === "string" || socket instanceof URL;
    if (fromUrl) {
      this.target = webSocketUrl(connectionUrl(socket, NAME5, ["ws:", "wss:", "http:", "https:"]));
      globalConstructor("WebSocket", NAME5);
    } else {
      if (options.protocols !== void 0) throw new RivuletError("INVALID_ARGUMENT", `${NAME5}: protocols apply only when a URL is given`);
      this.target = socket;
    }
    if (!options.lines && options.maxLineLength !== void 0) {
      throw new RivuletError("INVALID_ARGUMENT", `${NAME5}: maxLineLength applies only with lines: true`);
    }
    this.protocols = typeof options.protocols === "string" ? options.protocols : options.protocols?.slice();
    this.closeOnStop = options.closeOnStop ?? fromUrl;
    this.splitter = options.lines ? new LineSplitter({ maxLineLength: options.maxLineLength }) : void 0;
    const delay = options.reconnectDelay;
    if (delay !== void 0) {
      if (!fromUrl) throw new RivuletError("INVALID_ARGUMENT", `${NAME5}: reconnectDelay applies only when a URL is given (a socket passed in cannot be opened again)`);
      if (typeof delay !== "object" || delay === null || !(delay.milliseconds >= 0)) {
        throw new RivuletError("INVALID_ARGUMENT", `${NAME5}: reconnectDelay must be a Duration, e.g. Seconds(2)`);
      }
      this.reconnectMs = delay.milliseconds;
    }
  }
  connect(context) {
    this.attach(this.target instanceof URL ? this.open(this.target) : this.target, context);
  }
  attach(socket, context) {
    this.socket = socket;
    if (socket.binaryType === "blob") socket.binaryType = "arraybuffer";
    socket.addEventListener("open", this.onOpen);
    socket.addEventListener("message", this.onMessage);
    socket.addEventListener("error", this.onError);
    socket.addEventListener("close", this.onClose);
    if (socket.readyState === OPEN2) context.reportStarted();
    else if (socket.readyState === CLOSED2) this.end(`the WebSocket${this.where()} was already closed`);
  }
  disconnect() {
    this.disconnected = true;
    this.cancelReconnect?.();
    const socket = this.socket;
    if (!socket) return;
    this.detach(socket);
    if (this.closeOnStop && (socket.readyState === CONNECTING || socket.readyState === OPEN2)) {
      socket.close(1e3, "the streaming context was stopped");
    }
  }
  detach(socket) {
    socket.removeEventListener("open", this.onOpen);
    socket.removeEventListener("message", this.onMessage);
    socket.removeEventListener("error", this.onError);
    socket.removeEventListener("close", this.onClose);
  }
  /** Connects again after `reconnectDelay`, unless the stream stops meanwhile. */
  reconnect(context, url, delayMs) {
    this.detach(this.socket);
    this.socket = void 0;
    this.cancelReconnect = context.schedule(context.now() + delayMs, () => {
      this.cancelReconnect = void 0;
      if (this.disconnected) return;
      try {
        this.attach(this.open(url), context);
      } catch (error) {
        const message2 = `the WebSocket to ${url.href} could not be opened again: ${error instanceof Error ? error.message : String(error)}`;
        context.reportError(message2, error);
        this.reconnect(context, url, delayMs);
      }
    });
  }
  counters() {
    return this.splitter ? { invalidUtf8: this.splitter.invalidUtf8, overlongLines: this.splitter.overlongLines } : {};
  }
  open(url) {
    const Ctor = globalConstructor("WebSocket", NAME5);
    const socket = this.protocols === void 0 ? new Ctor(url.href) : new Ctor(url.href, this.protocols);
    socket.binaryType = "arraybuffer";
    return socket;
  }
  onOpen = () => this.context?.reportStarted();
  onMessage = (event) => {
    const data = event.data;
    if (typeof data === "string") return this.deliver(this.splitter ? this.cut(data) : [data]);
    const bytes2 = asBytes(data);
    if (!bytes2) return this.dropUnreadable(`a message of type ${describe5(data)}`);
    this.deliver(this.splitter ? this.cut(bytes2) : [bytes2.buffer === data ? bytes2 : bytes2.slice()]);
  };
  onError = () => {
    const message2 = `the WebSocket${this.where()} failed`;
    this.context?.reportError(message2, new RivuletError("SOURCE_FAILED", message2));
  };
  onClose = (event) => {
    if (this.splitter) {
      const out = [];
      this.splitter.end(out);
      this.deliver(out);
    }
    const code = typeof event.code === "number" ? event.code : 1005;
    const reason = typeof event.reason === "string" && event.reason.length > 0 ? `, reason ${JSON.stringify(event.reason)}` : "";
    const message2 = `the WebSocket${this.where()} closed (code ${code}${reason})`;
    const normal = event.wasClean !== false && NORMAL_CLOSE.has(code);
    const context = this.context;
    if (this.reconnectMs !== void 0 && this.target instanceof URL && context && !this.disconnected) {
      context.reportStopped(`Restarting receiver with delay ${this.reconnectMs}ms: ${message2}`, normal ? void 0 : new RivuletError("SOURCE_FAILED", message2));
      this.reconnect(context, this.target, this.reconnectMs);
      return;
    }
    this.end(message2, normal ? void 0 : new RivuletError("SOURCE_FAILED", message2));
  };
  cut(data) {
    const out = [];
    this.splitter.push(data, out);
    return out;
  }
  where() {
    const url = this.target instanceof URL ? this.target.href : this.socket?.url;
    return url ? ` to ${url}` : "";
  }
};
function webSocketUrl(url) {
  if (url.protocol === "http:" || url.protocol === "https:") return new URL(url.href.replace(/^http/, "ws"));
  return url;
}
function asBytes(data) {
  if (data instanceof ArrayBuffer || Object.prototype.toString.call(data) === "[object ArrayBuffer]") return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return void 0;
}
function describe5(data) {
  if (data === null || typeof data !== "object") return typeof data;
  return Object.prototype.toString.call(data).slice(8, -1);
}

// src/sources/rate/pid-estimator.ts
var PIDRateEstimator = class {
  batchIntervalMs;
  proportional;
  integral;
  derivative;
  minRate;
  firstRun = true;
  latestTime = -1;
  latestRate = -1;
  latestError = -1;
  constructor(batchIntervalMs, options = {}) {
    this.batchIntervalMs = batchIntervalMs;
    this.proportional = gain("proportional", options.proportional ?? 1);
    this.integral = gain("integral", options.integral ?? 0.2);
    this.derivative = gain("derivative", options.derivative ?? 0);
    this.minRate = options.minRate ?? 100;
    if (!(batchIntervalMs > 0)) throw new RivuletError("INVALID_ARGUMENT", `the batch interval must be positive, got ${batchIntervalMs}`);
    if (!(this.minRate > 0) || !Number.isFinite(this.minRate)) {
      throw new RivuletError("INVALID_ARGUMENT", `backpressure minRate must be a positive number of records per second, got ${this.minRate}`);
    }
  }
  /**
   * The new rate after the batch that ended at `time` processed `elements` records in
   * `processingDelay` ms after waiting `schedulingDelay` ms; undefined when there is nothing to
   * learn from it (no records, no measurable processing time, a batch older than the last one)
   * and on the first batch, which only sets the starting point.
   */
  compute(time, elements, processingDelay, schedulingDelay) {
    if (!(time > this.latestTime && elements > 0 && processingDelay > 0)) return void 0;
    const secondsSinceUpdate = (time - this.latestTime) / 1e3;
    const processingRate = elements / processingDelay * 1e3;
    const error = this.latestRate - processingRate;
    const historicalError = schedulingDelay * processingRate / this.batchIntervalMs;
    const dError = (error - this.latestError) / secondsSinceUpdate;
    const newRate = Math.max(this.latestRate - this.proportional * error - this.integral * historicalError - this.derivative * dError, this.minRate);
    this.latestTime = time;
    if (this.firstRun) {
      this.latestRate = processingRate;
      this.latestError = 0;
      this.firstRun = false;
      return void 0;
    }
    this.latestRate = newRate;
    this.latestError = error;
    return newRate;
  }
};
function gain(name, value) {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RivuletError("INVALID_ARGUMENT", `backpressure ${name} gain must be a finite number \u2265 0, got ${value}`);
  }
  return value;
}

// src/sources/rate/rate-controller.ts
var RateController = class {
  streamId;
  estimator;
  limiter;
  constructor(streamId, estimator, limiter) {
    this.streamId = streamId;
    this.estimator = estimator;
    this.limiter = limiter;
  }
  onBatchCompleted(event) {
    const { processingEndTime, processingDelay, schedulingDelay, streamIdToInputInfo } = event.batchInfo;
    const input = streamIdToInputInfo.get(this.streamId);
    if (processingEndTime === void 0 || processingDelay === void 0 || schedulingDelay === void 0 || !input) return;
    const rate = this.estimator.compute(processingEndTime, input.numRecords, processingDelay, schedulingDelay);
    if (rate !== void 0) this.limiter.update(rate);
  }
};

// src/sources/rate/rate-limiter.ts
var RateLimiter = class {
  maxRate;
  rate;
  /** `maxRate`: the ceiling (Infinity: none); `initialRate`: the rate before the first estimate. */
  constructor(maxRate = Infinity, initialRate = Infinity) {
    positiveRate("maxRate", maxRate);
    positiveRate("initialRate", initialRate);
    this.maxRate = maxRate;
    this.rate = Math.min(initialRate, maxRate);
  }
  /** The current rate in records per second (Infinity when unlimited). */
  get currentRate() {
    return this.rate;
  }
  /**
   * Takes a new estimate, never above `maxRate`, in whole records per second as Spark publishes
   * it (`rateLimit.set(s.toLong)`); an estimate below one record a second is ignored, as Spark
   * ignores a non-positive rate.
   */
  update(rate) {
    const whole = Math.trunc(rate);
    if (whole > 0) this.rate = Math.min(whole, this.maxRate);
  }
  /**
   * Records a batch of `intervalMs` may take: the rate's share of the interval, at least one so
   * that a very low rate still makes progress (Spark's direct streams round the same way).
   */
  recordsPerBatch(intervalMs) {
    if (this.rate === Infinity) return Infinity;
    return Math.max(1, Math.floor(this.rate * intervalMs / 1e3));
  }
};
function positiveRate(name, rate) {
  if (!(rate > 0)) throw new RivuletError("INVALID_ARGUMENT", `${name} must be a positive number of records per second (or Infinity), got ${rate}`);
}

// src/context-options.ts
function parseMaster(master) {
  if (master === void 0 || master === "local[*]") return void 0;
  if (master === "local") return 1;
  const m = /^local\[(\d+)\]$/.exec(master);
  if (!m || Number(m[1]) < 1) {
    throw new RivuletError("INVALID_ARGUMENT", `master must be "local", "local[n]" or "local[*]", got ${JSON.stringify(master)}`);
  }
  return Number(m[1]);
}

// src/context.ts
var jobRuns = /* @__PURE__ */ new WeakMap();
var activeContext;
var StreamingContext = class _StreamingContext {
  /** The engine partitions run on; pass it to a new context after `stop({ stopEngine: false })`. */
  engine;
  batchInterval;
  clock;
  graph;
  bus = new ListenerBus();
  progress;
  accumulators = [];
  /** How many accumulators the job's setup made: those at start, which workers' copies also have. */
  sharedAccumulators = 0;
  scheduler;
  generator;
  env;
  sources = [];
  currentState = "initialized";
  error;
  stopping;
  sourcesStarting = Promise.resolve();
  waiters = /* @__PURE__ */ new Set();
  checkpointStore;
  writeAheadLog = false;
  removeSettleHook;
  recovered;
  /** After a restart: where the inputs stood once they first took the batches to be made again. */
  replayPositions;
  /** Set while a restart waits for its inputs before making those batches; settles once they are scheduled. */
  replaying;
  replayWait;
  rates;
  gracefulOnShutdown;
  gracefulStopTimeout;
  removeShutdownHook;
  originLock;
  /** Sources started and batches generated: at `start()`, or once the origin's lock is held. */
  begun = false;
  constructor(options) {
    if (!(options.batchInterval instanceof Duration) || options.batchInterval.milliseconds <= 0) {
      throw new RivuletError("INVALID_ARGUMENT", "batchInterval must be a positive Duration, e.g. Seconds(1)");
    }
    this.batchInterval = options.batchInterval;
    this.clock = options.clock ?? new SystemClock();
    this.progress = new StreamingProgress(this.batchInterval.milliseconds, options.retainedBatches ?? 1e3, () => this.clock.now());
    this.bus.add(this.progress);
    this.rates = { maxRate: options.maxRate, backpressure: options.backpressure };
    this.gracefulOnShutdown = options.stopGracefullyOnShutdown ?? false;
    this.gracefulStopTimeout = options.gracefulStopTimeout ?? Milliseconds(10 * this.batchInterval.milliseconds);
    checkStopTimeout(this.gracefulStopTimeout, "gracefulStopTimeout");
    this.rateLimiter(void 0);
    this.originLock = options.originLock ? new OriginLock(options.originLock) : void 0;
    const parallelism = options.parallelism ?? parseMaster(options.master) ?? defaultParallelism(hardwareConcurrency());
    if (options.engine) {
      if (options.engine.closed) throw new RivuletError("ILLEGAL_STATE", "the engine passed to StreamingContext has been closed");
      this.engine = options.engine;
    } else {
      const spawn = options.workers === false ? void 0 : options.workers?.spawn ?? defaultSpawner(options.workers?.url);
      this.engine = createEngine({
        parallelism,
        kernels: options.kernels,
        kernelsModule: options.kernelsModule,
        maxKernelMemoryBytes: options.maxKernelMemoryBytes,
        workers: spawn && options.workers !== false ? { ...options.workers, spawn } : void 0
      });
    }
    this.graph = new DStreamGraph(this.batchInterval, this.executor(), { assertModifiable: (what) => this.assertModifiable(what) });
    const fileSink = options.fileSink;
    this.env = {
      graph: this.graph,
      log: options.log ?? ((text) => console.log(text)),
      fileSink: () => fileSink ?? defaultFileSink()
    };
    const report = (e) => this.reportError(e);
    this.scheduler = new JobScheduler(this.clock, this.bus, report);
    this.generator = new JobGenerator(this.graph, this.clock, this.scheduler, report);
  }
  /**
   * Spark's `getOrCreate`: with a checkpoint in `store`, rebuilds the graph with `factory` (it
   * always runs, since functions cannot be restored; it is told it is recovering), checks that the
   * graph is the one the checkpoint was written by, and restores its state and source positions,
   * so `start()` resumes at the batch after the checkpoint. Without one, `factory` makes a new
   * context. Either way the context checkpoints to `store`. A checkpoint that cannot be used
   * (another graph or batch interval, unreadable, a store failing to read) is refused with its
   * error, or with `createOnError` gives a new context from `factory(undefined)`. With
   * `originLock` the store is read only once this tab or worker holds the origin's lock, which the
   * context then keeps until `stop()`: a standby takes over from its predecessor's last checkpoint.
   */
  static async getOrCreate(store, factory, options = {}) {
    if (!options.originLock) return _StreamingContext.recoverOrCreate(store, factory, options);
    const lock = await acquireOriginLock(options.originLock, options.signal);
    let ssc;
    try {
      ssc = await _StreamingContext.recoverOrCreate(store, factory, options);
      ssc.holdOriginLock(lock);
      return ssc;
    } catch (error) {
      if (ssc) await ssc.stop();
      await lock.release();
      throw error;
    }
  }
  static async recoverOrCreate(store, factory, options) {
    let ssc;
    try {
      const latest = await readLatestCheckpoint(store, true);
      const content = latest ? asCheckpointContent(latest.value) : void 0;
      const replay = content ? await readReplayPositions(content, store) : void 0;
      for (const { name, reason } of replay?.skipped ?? []) {
        console.warn(`Rivulet: ${name} cannot be used (${reason}): that batch is made again from what its inputs hold then, which may differ from what it first had`);
      }
      ssc = await factory(content && latest ? { checkpointTime: content.checkpointTime, skipped: [...latest.skipped, ...replay?.skipped ?? []] } : void 0);
      if (!ssc.checkpointStore) ssc.checkpoint(store);
      if (content) ssc.recover(content, replay);
      return ssc;
    } catch (error) {
      if (!options.createOnError || !isCheckpointError(error)) throw error;
      await ssc?.stop({ stopEngine: false });
      const fresh = await factory(void 0);
      if (!fresh.checkpointStore) fresh.checkpoint(store);
      if (ssc && ssc.engine !== fresh.engine) await ssc.engine.close();
      return fresh;
    }
  }
  /** The active context of this realm, if any. */
  static getActive() {
    return activeContext;
  }
  static getActiveOrCreate(storeOrFactory, factory, options) {
    if (typeof storeOrFactory === "function") return activeContext ?? storeOrFactory();
    if (typeof factory !== "function") throw new RivuletError("INVALID_ARGUMENT", "getActiveOrCreate(store, factory): factory must be a function that makes the context");
    return activeContext ? Promise.resolve(activeContext) : _StreamingContext.getOrCreate(storeOrFactory, factory, options);
  }
  /** `"initialized"` until started, `"active"` while running, `"stopped"` after `stop()`. */
  get state() {
    return this.currentState;
  }
  // ---- inputs --------------------------------------------------------------------------------
  /** Batches from an array used as a queue; the caller may push more batches while running. */
  queueStream(queue, options = {}) {
    return this.input(new QueueSource(queue, options));
  }
  /** Records from a `ReadableStream`, one record a chunk, each in the batch of the interval it arrived in. */
  readableStream(stream) {
    return this.input(new ReadableSource(stream));
  }
  /**
   * Lines from a stream of UTF-8 bytes or strings (a `fetch` body, `File.stream()`, a socket); from
   * a `ReplayableByteSource` (`{ open(offset) }`), which checkpoints resume at the byte offset
   * reached, for exactly-once processing; or from a connect function (`() => fetch(url).then((r)
   * => r.body!)`), opened again `reconnectDelay` after each end, as Spark restarts a receiver.
   */
  textStream(stream, options = {}) {
    return this.input(new TextSource(stream, options, this.engine.transferSegmentBytes, this.engine.sharedBatches));
  }
  /**
   * Spark's `socketTextStream(hostname, port)`: the lines a TCP server sends (UTF-8, cut as
   * `textStream` cuts them). A refused or lost connection is reported to listeners and tried again
   * after `reconnectDelay` (2 s, Spark's receiver restart delay). Node and Deno connect on their
   * own; elsewhere pass `connect` (workerd's `cloudflare:sockets`); browsers have no TCP sockets
   * (`webSocketStream` is the web's socket stream).
   */
  socketTextStream(hostname, port, options = {}) {
    return this.input(new SocketSource(hostname, port, options, tcpConnect, this.engine.transferSegmentBytes, this.engine.sharedBatches));
  }
  /**
   * Spark's `socketStream(hostname, port, converter)`: the records `converter` makes of each
   * connection's bytes (a `ReadableStream<Uint8Array>`), for protocols other than lines. It gives
   * a stream or an (async) iterable, e.g. an async generator of length-prefixed frames. A refused
   * or lost connection, or a converter that throws, is reported and the connection opened again
   * after `reconnectDelay` (2 s). Connecting is as for `socketTextStream`.
   */
  socketStream(hostname, port, converter, options = {}) {
    return this.input(new SocketRecordsSource(hostname, port, converter, options, tcpConnect));
  }
  /**
   * Spark's `textFileStream`: the lines of the files that appear in `directory`, each file whole
   * in the first batch at or after its modification time, never twice (see `TextFileStreamOptions`).
   * `directory` is a path or `file:` URL (Node), a `FileSystemDirectoryHandle` (browsers: the
   * origin private file system, a picked folder), or any object with `list()` and `read(name)`.
   * Files must be moved or renamed into the directory once complete, and not changed after.
   * Checkpoints remember which files were taken, so a restart takes only the ones left.
   */
  textFileStream(directory, options = {}) {
    return this.input(new FileSource(toDirectory(directory, nodeDirectory), options, this.batchInterval, fileLines(options)));
  }
  /**
   * Spark's `fileStream` with an `InputFormat`: the files that appear in `directory` (as
   * `textFileStream` finds them), each made into records by `read(bytes, name)`, e.g.
   * `(bytes) => JSON.parse(new TextDecoder().decode(bytes))` for files of JSON arrays. A file
   * `read` throws on is dropped, counted (`unreadableRecords`) and reported; the job goes on.
   */
  fileStream(directory, read, options = {}) {
    return this.input(new FileSource(toDirectory(directory, nodeDirectory), options, this.batchInterval, recordsOf(read), "fileStream"));
  }
  /**
   * Spark's `binaryRecordsStream`: the files that appear in `directory` (as `textFileStream`
   * finds them) cut into records of `recordLength` bytes each. A file whose length is not a
   * multiple of it has its trailing bytes dropped, counted (`partialRecords`) and reported.
   */
  binaryRecordsStream(directory, recordLength, options = {}) {
    const records = fixedLengthRecords(recordLength);
    return this.input(new FileSource(toDirectory(directory, nodeDirectory), options, this.batchInterval, records, "binaryRecordsStream"));
  }
  webSocketStream(socket, options = {}) {
    return this.input(new WebSocketSource(socket, options));
  }
  eventSourceStream(source, options = {}) {
    return this.input(new EventSourceSource(source, options));
  }
  /**
   * The `data` of each message a `BroadcastChannel`, `MessagePort`, worker or window receives, one
   * record each (the type `T` is not checked): how the tabs and workers of an origin feed the one
   * context that runs the job. A channel name opens `new BroadcastChannel(name)`, closed on stop.
   * Messages that cannot be deserialized are dropped and counted (`unreadableMessages`).
   */
  messageStream(target, options = {}) {
    return this.input(new MessageSource(target, options));
  }
  /**
   * The events `target` dispatches (an element, `document`, `window`, any `EventTarget`) of the
   * given types, each made into a record by `select(event)` when it fires, e.g.
   * `(e: MouseEvent) => ({ x: e.clientX, y: e.clientY })`; `undefined` skips an event. In-page
   * analytics: clicks, inputs or scrolls per batch, windowed like any stream. Stopping the
   * context removes the listeners.
   */
  eventStream(target, types, select, options = {}) {
    return this.input(new EventTargetSource(target, types, select, options));
  }
  /**
   * Newline-delimited JSON (a `fetch` body, `File.stream()`): one record per line, parsed with
   * `JSON.parse` (the type `T` is not checked). Blank lines are skipped; lines that are not JSON
   * are dropped, counted (`invalidJson`) and the first few reported. Over a `ReplayableByteSource`,
   * a restart resumes after the last checkpointed line; a connect function is opened again after
   * each end (`reconnectDelay`), for a live endpoint that closes now and then.
   */
  jsonLinesStream(stream, options = {}) {
    return this.input(new JsonLinesSource(stream, options));
  }
  /** Records from a custom `Receiver`, started with the context and stopped with it. */
  receiverStream(receiver) {
    return this.input(new ReceiverSource(receiver));
  }
  union(...args) {
    const streams = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
    return new DStream(this.env, unioned(streams), "union");
  }
  /** The batches of several streams at each time through `fn`. */
  transform(streams, fn) {
    return new DStream(this.env, transformedAll(streams, fn), "transform");
  }
  /** A static data set on this context's engine (Spark's `sc.parallelize`), e.g. to join with. */
  parallelize(records, numSlices = this.engine.parallelism) {
    return Batch.fromRecords(records, numSlices, this.engine);
  }
  /**
   * Turns checkpointing on: after the batches at which one is due, the state of stateful and
   * windowed streams and the inputs' positions are written to `store` (one atomic write each), so
   * `StreamingContext.getOrCreate(store, factory)` can resume after a reload or a crash.
   */
  checkpoint(store, options = {}) {
    this.assertModifiable("a checkpoint store");
    this.checkpointStore = store;
    this.writeAheadLog = options.writeAheadLog ?? false;
  }
  /** Keeps every stream's batches at least `duration` (for `DStream.slice`). */
  remember(duration) {
    this.graph.remember(duration);
  }
  /**
   * A number accumulator, Spark's `longAccumulator(name)` / `doubleAccumulator(name)`: the job's
   * functions `add` to it wherever they run, and the driver reads the sum (`value`), `count` and
   * `avg`. In a job module, make it in the setup (every thread makes the same ones, in the same
   * order); what workers add reaches the driver's copy once their stage succeeds, each successful
   * task once. One made after `start()` is the driver's only.
   */
  accumulator(name) {
    const acc = new Accumulator(this.accumulators.length, name);
    this.accumulators.push(acc);
    return acc;
  }
  /**
   * Registers `listener` for the context's events (Spark's `addStreamingListener`): batches
   * submitted, started and completed, output operations, receivers, checkpoints. It may be added
   * before or after `start()`; each event reaches the listeners registered when it is posted.
   */
  addStreamingListener(listener) {
    this.bus.add(listener);
  }
  /** Spark's `removeStreamingListener`: `listener` gets no more events (the same object that was added). */
  removeStreamingListener(listener) {
    this.bus.remove(listener);
  }
  /**
   * Totals since the start and averages over the retained batches: records received and
   * processed, input rate, scheduling delay, processing time, receivers. Spark's Streaming tab
   * and its `/streaming/statistics` endpoint; read it at any time (a page's status panel, a
   * health check).
   */
  statistics() {
    return this.progress.statistics();
  }
  /**
   * The retained batches, newest first: queued, processing, then the last `retainedBatches`
   * completed ones, with their delays and output operations (Spark's `/streaming/batches`).
   */
  batchStatistics() {
    return this.progress.batchStatistics();
  }
  /**
   * Each input stream's records per second over the retained batches, and for receivers
   * (connections, `Receiver`s) whether they are active and their last error (Spark's
   * `/streaming/receivers`).
   */
  receiverStatistics() {
    return this.progress.receiverStatistics();
  }
  // ---- lifecycle -----------------------------------------------------------------------------
  /**
   * Starts receiving and generating batches. The first batch is one interval after now, aligned.
   * With `originLock`, the context begins once it holds the origin's lock (see there).
   */
  start() {
    if (this.currentState === "active") {
      console.warn("StreamingContext.start(): the context has already been started");
      return;
    }
    if (this.currentState === "stopped") {
      throw new RivuletError("ILLEGAL_STATE", "StreamingContext.start(): the context has already been stopped and cannot be restarted; create a new one");
    }
    if (activeContext) {
      throw new RivuletError("ANOTHER_CONTEXT_ACTIVE", "another StreamingContext is active in this realm; stop it before starting a new one");
    }
    const invalid = this.startError();
    if (invalid) {
      this.currentState = "stopped";
      throw invalid;
    }
    activeContext = this;
    this.currentState = "active";
    this.sharedAccumulators = this.accumulators.length;
    if (this.gracefulOnShutdown) this.removeShutdownHook = onShutdown(() => this.stop({ graceful: true }));
    const lock = this.originLock;
    const standby = lock !== void 0 && lock.wait && !lock.granted;
    const interval = this.batchInterval.milliseconds;
    const alignedNow = () => Math.floor(this.clock.now() / interval) * interval;
    const zeroTime = this.recovered?.zeroTime ?? (standby ? void 0 : alignedNow());
    const answered = lock ? this.takeOriginLock(lock, () => zeroTime ?? alignedNow()) : Promise.resolve();
    const clock = this.clock;
    if (typeof clock.addSettleHook === "function") {
      const ready = standby ? Promise.resolve() : answered;
      this.removeSettleHook = clock.addSettleHook(
        () => ready.then(() => this.replaying).then(() => Promise.all(this.sources.map(({ source }) => source.settle?.())))
      );
    }
    if (!lock) this.begin(zeroTime ?? alignedNow());
  }
  /** Why this context cannot start (Spark's `validate()`), if it cannot. */
  startError() {
    if (this.graph.numOutputs === 0) {
      return new RivuletError(
        "NO_OUTPUT_OPERATIONS",
        "No output operations registered, so nothing to execute: call print(), foreachRDD() or saveAsTextFiles() on a stream before start()"
      );
    }
    if (this.engine.closed) return new RivuletError("ILLEGAL_STATE", "the engine of this context has been closed");
    const needing = this.graph.streamsNeedingCheckpoint();
    if (needing.length > 0 && !this.checkpointStore) {
      return new RivuletError(
        "CHECKPOINT_REQUIRED",
        `${[...new Set(needing)].join(", ")} needs checkpointing: call ssc.checkpoint(store) before start() (a MemoryCheckpointStore in tests, an IndexedDBCheckpointStore or FileCheckpointStore to survive restarts)`
      );
    }
    return void 0;
  }
  /** Starts the graph, the sources and the batch clock: at `start()`, or once the origin's lock is held. */
  begin(zeroTime) {
    this.begun = true;
    this.graph.start(zeroTime);
    if (this.checkpointStore) {
      const fresh = this.recovered === void 0;
      const checkpointer = new Checkpointer(this.graph, this.checkpointStore, this.sources, this.bus, (e) => this.reportError(e), fresh);
      this.generator.onBatchCompleted((time, pending, failed) => checkpointer.afterBatch(time, pending, failed));
    }
    const starting = [];
    for (const { source, streamId } of this.sources) {
      if (!source.start) continue;
      const report = (e) => this.reportSourceError(streamId, source.name, e);
      starting.push(
        Promise.resolve().then(() => void Promise.resolve(source.start(this.sourceContext(streamId, source.name))).catch(report)).catch(report)
      );
    }
    this.sourcesStarting = Promise.all(starting).then(() => void 0);
    const interval = this.batchInterval.milliseconds;
    const generate = () => this.generator.start(zeroTime, this.recovered ? this.recovered.checkpointTime + interval : void 0);
    if (this.replayPositions) {
      this.replaying = this.awaitInputsForReplay(this.replayPositions).catch((error) => console.warn("Rivulet: the batches made again after the restart did not wait for their inputs:", error)).then(() => {
        if (this.currentState === "active") generate();
      });
    } else generate();
    this.bus.post("onStreamingStarted", { time: this.clock.now() });
  }
  /**
   * Before a restart makes the batches after its checkpoint again: waits (bounded) for the inputs
   * to hold what those batches first took, and warns of the batches that will have less.
   */
  async awaitInputsForReplay(positions) {
    await this.sourcesStarting;
    if (this.currentState !== "active") return;
    const wait = awaitReplayInputs(this.sources, positions);
    if (!wait) return;
    this.replayWait = wait;
    const short = await wait.done;
    this.replayWait = void 0;
    if (this.currentState !== "active") return;
    for (const input of short) console.warn(`Rivulet: ${shortReplayMessage(input)}`);
  }
  /**
   * Begins once this context holds the origin's lock. When another context of the origin holds
   * it, or has written checkpoints this one did not resume from, reports why and stops.
   */
  async takeOriginLock(lock, zeroTime) {
    try {
      const outcome = await lock.acquire();
      if (this.currentState !== "active" || outcome === "cancelled") return;
      if (outcome === "unavailable") throw heldElsewhere(lock.name);
      if (this.checkpointStore) await this.assertResumedFromNewest(this.checkpointStore);
      if (this.currentState === "active") this.begin(zeroTime());
    } catch (error) {
      if (this.currentState !== "active") return;
      this.reportError(error);
      void this.stop();
    }
  }
  /** Keeps the lock `getOrCreate` took for this context, in place of a request of its own. */
  holdOriginLock(lock) {
    if (this.originLock && this.originLock.name !== lock.name) {
      throw new RivuletError(
        "INVALID_ARGUMENT",
        `getOrCreate took the origin's lock "${lock.name}", but the context the factory built asks for "${this.originLock.name}": give both the same name, or set originLock in one place`
      );
    }
    this.originLock = lock;
  }
  /** Refuses to run on from a checkpoint older than the store's newest: that would overwrite another context's state. */
  async assertResumedFromNewest(store) {
    const newest = await readLatestCheckpoint(store);
    const resumedFrom = this.recovered?.checkpointTime;
    if (newest && newest.time !== resumedFrom) {
      throw new RivuletError(
        "CHECKPOINT_MISMATCH",
        `the newest checkpoint in the store (batch ${newest.time}) is not the one this context resumed from (${resumedFrom === void 0 ? "none" : `batch ${resumedFrom}`}): another context of this origin has written it, and running on would overwrite its state; build the context again with StreamingContext.getOrCreate(store, factory) to resume from it (a standby takes the lock there: getOrCreate(store, factory, { originLock: { wait: true } }))`
      );
    }
  }
  /**
   * Stops the context. By default no batch is generated any more, those already generated run
   * within the stop's bound (2 s), and the engine is released. Calling it again waits for the
   * first call, and releases the engine unless told not to.
   */
  stop(options = {}) {
    if (this.stopping) return options.stopEngine ?? true ? this.stopping.then(() => this.engine.close()) : this.stopping;
    const graceful = options.graceful ?? false;
    const timeout = options.timeout ?? (graceful ? this.gracefulStopTimeout : NON_GRACEFUL_STOP_TIMEOUT);
    checkStopTimeout(timeout, "stop: timeout");
    const wasActive = this.currentState === "active" && this.begun;
    this.currentState = "stopped";
    this.replayWait?.cancel();
    this.graph.interruptOutputs();
    this.stopping = this.shutdown(wasActive, graceful, options.stopEngine ?? true, timeout.milliseconds);
    return this.stopping;
  }
  /**
   * Resolves when the context stops; rejects with the latest error a job (or the generation of a
   * batch, or taking the origin's lock) reported.
   */
  awaitTermination() {
    return new Promise((resolve, reject) => {
      if (this.error) return reject(this.error.error);
      if (this.currentState === "stopped") return void (this.stopping ?? Promise.resolve()).then(resolve);
      this.waiters.add({ resolve, reject });
    });
  }
  /** Like `awaitTermination`, but gives up after `timeoutMs` (real time): true if stopped, false on timeout. */
  async awaitTerminationOrTimeout(timeoutMs) {
    let timer;
    const timeout = new Promise((resolve) => timer = setTimeout(() => resolve(false), timeoutMs));
    try {
      return await Promise.race([this.awaitTermination().then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
  // ---- internals -----------------------------------------------------------------------------
  /** The engine as this context's batches see it: with job stages when built from a job module. */
  executor() {
    const engine = this.engine;
    let fingerprint;
    const jobSpec = (run) => ({
      run: run.run,
      url: run.url,
      params: run.params,
      fingerprint: fingerprint ??= this.graph.fingerprint(),
      batchIntervalMs: this.batchInterval.milliseconds,
      parallelism: engine.parallelism,
      zeroTime: this.graph.startTime ?? 0,
      accumulators: this.sharedAccumulators
    });
    return {
      parallelism: engine.parallelism,
      combineByKey: (input, aggregator, partitioner, mapSideCombine) => engine.combineByKey(input, aggregator, partitioner, mapSideCombine),
      cogroup: (inputs, partitioner, inPlace) => engine.cogroup(inputs, partitioner, inPlace),
      ...engine.countWords ? { countWords: (bytes2, n, segments) => engine.countWords(bytes2, n, segments) } : {},
      runStage: (stage2) => {
        const run = jobRuns.get(this);
        if (!run) return Promise.resolve(void 0);
        return engine.runJobStage(jobSpec(run), stage2, (updates) => applyUpdates(this.accumulators, updates));
      }
    };
  }
  input(source) {
    const computation = new InputComputation(this.graph, source);
    const stream = new DStream(this.env, computation, source.name, "input streams");
    computation.streamId = stream.id;
    this.graph.addInput(stream);
    this.sources.push({ source, streamId: stream.id });
    return stream;
  }
  recover(content, replay) {
    if (this.currentState !== "initialized") throw new RivuletError("ILLEGAL_STATE", "a context can only be recovered before it starts");
    if (content.batchIntervalMs !== this.batchInterval.milliseconds) {
      throw new RivuletError(
        "CHECKPOINT_MISMATCH",
        `the checkpoint was written with a batch interval of ${content.batchIntervalMs} ms, this context has ${this.batchInterval}`
      );
    }
    const fingerprint = this.graph.fingerprint();
    if (content.fingerprint !== fingerprint) {
      throw new RivuletError(
        "CHECKPOINT_MISMATCH",
        `the checkpoint was written by a different DStream graph (fingerprint ${content.fingerprint}, this graph ${fingerprint}); rebuild the same graph in the factory, or use a new checkpoint store`
      );
    }
    this.graph.restore(content.streams);
    for (const [streamId, position] of content.sources) {
      this.sources.find((s) => s.streamId === streamId)?.source.restore?.(position);
    }
    this.recovered = content;
    if (replay && replay.positions.size > 0) {
      this.graph.replayFrom(replay.positions);
      this.replayPositions = replay.positions;
    }
  }
  async shutdown(wasActive, graceful, stopEngine, timeoutMs) {
    const deadline = realTimeout(timeoutMs);
    try {
      let outputFailure = this.error;
      let abandoned = false;
      if (wasActive) {
        let sourcesStopped;
        const stopSources = () => sourcesStopped ??= this.sourcesStarting.then(
          () => Promise.all(this.sources.map(({ source }) => Promise.resolve(source.stop?.(graceful)).catch(() => void 0)))
        );
        const processed = graceful ? (
          // Stop receiving first, then let one last batch take everything already received.
          stopSources().then(() => this.generator.stop(true)).then(() => this.scheduler.idle())
        ) : (
          // As Spark's jobExecutor.shutdown(): no batch is generated any more, but those already
          // submitted run, within the stop's bound (2 s by default), before shutdownNow().
          this.generator.stop(false).then(() => this.scheduler.idle())
        );
        if (!await deadline.within(processed)) {
          abandoned = true;
          void this.generator.stop(false);
          const batch = this.scheduler.abandon();
          const what = batch === void 0 ? "the batches still to run; they were" : `the batch at ${batch} ms; it was`;
          const message2 = `stop() waited ${timeoutMs} ms for processing and stopped without ${what} not checkpointed`;
          console.warn(`Rivulet: ${message2}`);
          outputFailure ??= { error: new RivuletError("ILLEGAL_STATE", `the context stopped before its outputs were complete: ${message2}`) };
          const writing = realTimeout(timeoutMs);
          if (!await writing.within(this.scheduler.afterSettled())) {
            console.warn(`Rivulet: stop() waited another ${timeoutMs} ms for a checkpoint write in progress and stopped without it`);
          }
          writing.cancel();
        }
        if (!await deadline.within(stopSources()) && !abandoned) {
          console.warn(`Rivulet: stop() waited ${timeoutMs} ms and did not wait for the sources still stopping`);
        }
      }
      this.removeSettleHook?.();
      const ended = await deadline.within(this.graph.endOutputs(outputFailure, (e) => this.reportError(e)));
      if (!ended && !abandoned) {
        console.warn(`Rivulet: stop() waited ${timeoutMs} ms and did not wait for the outputs still closing (writeTo sinks)`);
      }
      if (stopEngine) await this.engine.close();
    } finally {
      deadline.cancel();
      this.removeShutdownHook?.();
      try {
        await this.originLock?.release();
      } finally {
        if (activeContext === this) activeContext = void 0;
      }
    }
    this.bus.stop();
    for (const w of this.waiters) w.resolve();
    this.waiters.clear();
  }
  assertModifiable(what) {
    if (this.currentState === "active") {
      throw new RivuletError("ILLEGAL_STATE", `Setting up ${what} after the context was started is not supported`);
    }
    if (this.currentState === "stopped") {
      throw new RivuletError("ILLEGAL_STATE", `Setting up ${what} after the context was stopped is not supported`);
    }
  }
  reportError(error) {
    console.error("Rivulet: a streaming job failed:", error);
    this.error = { error };
    for (const w of this.waiters) w.reject(error);
    this.waiters.clear();
  }
  reportSourceError(streamId, name, error) {
    const message2 = error instanceof Error ? error.message : String(error);
    this.bus.post("onReceiverError", {
      receiverInfo: { streamId, name, active: false, lastErrorMessage: message2, lastError: error }
    });
  }
  /**
   * The input's rate limit, and with backpressure the controller that moves it after each batch
   * (listening to the batches of `streamId`; none without one).
   */
  rateLimiter(streamId) {
    const { maxRate, backpressure } = this.rates;
    const options = backpressure === true ? {} : backpressure || void 0;
    const limiter = new RateLimiter(maxRate, options?.initialRate);
    const estimator = options && new PIDRateEstimator(this.batchInterval.milliseconds, options);
    if (estimator && streamId !== void 0) this.bus.add(new RateController(streamId, estimator, limiter));
    return limiter;
  }
  sourceContext(streamId, name) {
    const info = (active2, lastErrorMessage = "", lastError = void 0) => ({
      streamId,
      name,
      active: active2,
      lastErrorMessage,
      lastError
    });
    const limiter = this.rateLimiter(streamId);
    const interval = this.batchInterval.milliseconds;
    let active = true;
    return {
      streamId,
      writeAheadLog: this.writeAheadLog && this.checkpointStore ? new WriteAheadLog(this.checkpointStore, streamId) : void 0,
      maxRecordsPerBatch: () => limiter.recordsPerBatch(interval),
      now: () => this.clock.now(),
      schedule: (time, fn) => this.clock.schedule(time, fn),
      reportStarted: () => {
        active = true;
        this.bus.post("onReceiverStarted", { receiverInfo: info(true) });
      },
      // As Spark's tracker, an error reported while the receiver is deregistered (waiting to
      // restart) shows it inactive.
      reportError: (message2, error) => this.bus.post("onReceiverError", { receiverInfo: info(active, message2, error) }),
      reportStopped: (message2, error) => {
        if (!active) return;
        active = false;
        this.bus.post("onReceiverStopped", { receiverInfo: info(false, message2, error) });
      }
    };
  }
};
var NON_GRACEFUL_STOP_TIMEOUT = Seconds(2);
function checkStopTimeout(timeout, name) {
  if (!(timeout instanceof Duration)) {
    throw new RivuletError("INVALID_ARGUMENT", `${name} must be a Duration, e.g. Seconds(30)`);
  }
}
function realTimeout(ms) {
  let timer;
  const expired = new Promise((resolve) => timer = setTimeout(() => resolve(false), ms));
  return {
    within: (p) => Promise.race([p.then(() => true), expired]),
    cancel: () => clearTimeout(timer)
  };
}
function shortReplayMessage({ streamId, name, times, reason }) {
  const batches2 = times.length === 1 ? `batch ${times[0]} is` : `batches ${times.join(", ")} are`;
  const why = reason === "ended" ? "it ended, failed or was stopped before it held again" : `it did not hold again within ${REPLAY_WAIT_MS / 1e3} s`;
  return `${name} (input stream ${streamId}): ${batches2} made again after the restart with less input than the first time: ${why} what they took then`;
}
function isCheckpointError(error) {
  return error instanceof RivuletError && (error.code === "CHECKPOINT_MISMATCH" || error.code === "CHECKPOINT_CORRUPT" || error.code === "CHECKPOINT_FAILED");
}

// src/state/store.ts
var NAME6 = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;
var TEMP_MARKER = ".tmp-";
function isValidName(name) {
  return NAME6.test(name) && !name.includes(TEMP_MARKER);
}
function assertValidName(name) {
  if (typeof name !== "string" || !isValidName(name)) {
    throw new RivuletError(
      "INVALID_ARGUMENT",
      `Invalid checkpoint store name ${JSON.stringify(name)}: use 1-200 characters from A-Z a-z 0-9 . _ -, not starting with "." and not containing "${TEMP_MARKER}"`
    );
  }
}

// src/state/memory-store.ts
var MemoryCheckpointStore = class {
  #entries = /* @__PURE__ */ new Map();
  #faults;
  constructor(options = {}) {
    this.#faults = options.faults;
  }
  async put(name, bytes2) {
    this.#check("put", name);
    this.#entries.set(name, bytes2.slice());
  }
  async get(name) {
    this.#check("get", name);
    return this.#entries.get(name)?.slice();
  }
  async list() {
    this.#check("list", void 0);
    return [...this.#entries.keys()];
  }
  async delete(name) {
    this.#check("delete", name);
    this.#entries.delete(name);
  }
  #check(operation, name) {
    if (name !== void 0) assertValidName(name);
    const fault = this.#faults?.(operation, name);
    if (fault !== void 0) throw fault;
  }
};

// src/state/key-value-layout.ts
var MAX_KEY_BYTES = 512;

// src/state/key-value-batches.ts
var MIN_VALUE_BYTES = 1024;
var MIN_BATCH_BYTES = MIN_VALUE_BYTES + 3 * MAX_KEY_BYTES;

// src/state/durable-object-storage.ts
var LIMITS = Object.freeze({
  maxValueBytes: 128 * 1024,
  maxBatchEntries: 128,
  maxBatchBytes: Number.POSITIVE_INFINITY
});

// src/state/deno-kv-storage.ts
var LIMITS2 = Object.freeze({
  maxValueBytes: 65536,
  maxBatchEntries: 1e3,
  maxBatchBytes: 819200 - 8192
});

// .exp/soak.ts
var expect = (x) => ({ toBe() {
}, toBeGreaterThan() {
}, toBeLessThan() {
} });
var afterEach = (f) => {
};
var it = async (n, f, t) => {
  const s = performance.now();
  await f();
  console.log("ms", performance.now() - s);
};
setFlagsFromString("--expose-gc");
var gc = runInNewContext("gc");
var contexts = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});
var KEYS = 300;
var PER_BATCH = 400;
function batchAt(i) {
  const out = [];
  for (let j = 0; j < PER_BATCH; j++) out.push([`k${(i * 7919 + j * 104729) % KEYS}`, j % 5 + 1]);
  return out;
}
function heapMiB() {
  gc();
  gc();
  return process.memoryUsage().heapUsed / (1 << 20);
}
it("holds no more after 1,000 batches than after 200: checkpoints, retained batches and the heap stay bounded", async () => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, retainedBatches: 100, log: () => {
  } });
  contexts.push(ssc);
  const store = new MemoryCheckpointStore();
  ssc.checkpoint(store);
  const queue = [];
  const pairs = ssc.queueStream(queue);
  const other = ssc.queueStream([], { defaultBatch: [["k1", 1], ["k2", 2]] });
  const outputs = [];
  const note = (n) => {
    outputs.push(n);
    if (outputs.length > 64) outputs.splice(0, 32);
  };
  pairs.reduceByKeyAndWindow(sum2, Seconds(10), Seconds(1), { invFn: (a, b) => a - b, filterFn: ([, v]) => v !== 0 }).foreachRDD(async (b) => note(await b.count()));
  pairs.reduceByKeyAndWindow(sum2, Seconds(6), Seconds(2)).foreachRDD(async (b) => note(await b.count()));
  pairs.updateStateByKey((vs, s) => (s ?? 0) + vs.length).foreachRDD(async (b) => note(await b.count()));
  pairs.mapWithState(
    StateSpec.function((_k, v, state) => {
      if (state.isTimingOut()) return 0;
      state.update((state.exists() ? state.get() : 0) + (v ?? 0));
      return state.get();
    }).timeout(Seconds(5))
  ).foreachRDD(async (b) => note(await b.count()));
  pairs.join(other).union(pairs.map(([k, v]) => [k, [v, v]])).countByValue().foreachRDD(async (b) => note(await b.count()));
  pairs.window(Seconds(4)).count().print();
  let completed = 0;
  const listener = { onBatchCompleted: () => void completed++ };
  ssc.addStreamingListener(listener);
  ssc.start();
  const run = async (from, to) => {
    for (let i = from; i < to; i++) {
      queue.push(batchAt(i));
      await clock.advance(1e3);
    }
  };
  await run(0, 200);
  const early = { heap: heapMiB(), checkpoints: (await store.list()).length };
  await run(200, 1e3);
  const late = { heap: heapMiB(), checkpoints: (await store.list()).length };
  expect(completed).toBe(1e3);
  expect(outputs.length).toBeGreaterThan(0);
  expect(late.checkpoints).toBe(early.checkpoints);
  expect(ssc.statistics().numRetainedCompletedBatches).toBe(100);
  console.log("HEAP", early, late);
  expect(late.heap - early.heap).toBeLessThan(8);
}, 12e4);
/*! Bundled license information:

comlink/dist/umd/comlink.js:
comlink/dist/esm/node-adapter.mjs:
  (**
   * @license
   * Copyright 2019 Google LLC
   * SPDX-License-Identifier: Apache-2.0
   *)
*/
