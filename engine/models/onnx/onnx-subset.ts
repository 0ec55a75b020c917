import protobuf from 'protobufjs';

// The subset of onnx.proto (onnx/onnx.proto of the ONNX project, proto2) needed to
// find every tensor's data location: the model, its graphs (including subgraphs held by node
// attributes and by functions), tensors and their external_data entries. Tensor payloads (raw_data,
// float_data, ...) are deliberately absent, so the decoder skips them without reading them.
// Field numbers must match onnx.proto exactly.

export const DATA_LOCATION_EXTERNAL = 1;

const SCHEMA = {
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto: {
          fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
        },
        TensorProto: {
          fields: {
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            externalData: { rule: 'repeated', type: 'StringStringEntryProto', id: 13 },
            dataLocation: { type: 'DataLocation', id: 14 },
          },
          nested: { DataLocation: { values: { DEFAULT: 0, EXTERNAL: DATA_LOCATION_EXTERNAL } } },
        },
        SparseTensorProto: {
          fields: { values: { type: 'TensorProto', id: 1 }, indices: { type: 'TensorProto', id: 2 } },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            t: { type: 'TensorProto', id: 5 },
            g: { type: 'GraphProto', id: 6 },
            tensors: { rule: 'repeated', type: 'TensorProto', id: 10 },
            graphs: { rule: 'repeated', type: 'GraphProto', id: 11 },
            sparseTensor: { type: 'SparseTensorProto', id: 22 },
            sparseTensors: { rule: 'repeated', type: 'SparseTensorProto', id: 23 },
          },
        },
        NodeProto: {
          fields: {
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            sparseInitializer: { rule: 'repeated', type: 'SparseTensorProto', id: 15 },
          },
        },
        FunctionProto: {
          fields: { name: { type: 'string', id: 1 }, node: { rule: 'repeated', type: 'NodeProto', id: 7 } },
        },
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            functions: { rule: 'repeated', type: 'FunctionProto', id: 25 },
          },
        },
      },
    },
  },
};

export const onnxRoot = protobuf.Root.fromJSON(SCHEMA);
export const ModelProtoType = onnxRoot.lookupType('onnx.ModelProto');

// Plain-object shapes the decoder produces for this subset (absent scalars are undefined).
export interface StringStringEntry {
  key?: string;
  value?: string;
}
export interface TensorInfo {
  dataType?: number;
  name?: string;
  externalData: StringStringEntry[];
  dataLocation?: number;
}
export interface SparseTensorInfo {
  values?: TensorInfo;
  indices?: TensorInfo;
}
export interface AttributeInfo {
  name?: string;
  t?: TensorInfo;
  g?: GraphInfo;
  tensors: TensorInfo[];
  graphs: GraphInfo[];
  sparseTensor?: SparseTensorInfo;
  sparseTensors: SparseTensorInfo[];
}
export interface NodeInfo {
  name?: string;
  opType?: string;
  attribute: AttributeInfo[];
}
export interface GraphInfo {
  node: NodeInfo[];
  name?: string;
  initializer: TensorInfo[];
  sparseInitializer: SparseTensorInfo[];
}
export interface FunctionInfo {
  name?: string;
  node: NodeInfo[];
}
export interface ModelInfo {
  irVersion?: number;
  producerName?: string;
  graph?: GraphInfo;
  opsetImport: { domain?: string; version?: number }[];
  functions: FunctionInfo[];
}
