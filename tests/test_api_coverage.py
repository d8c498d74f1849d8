"""API coverage: the torch names that real programs use (ranked by /work/shared/reference/torch-api-usage.csv) must
resolve in ember, and the names added to close the gaps behave like PyTorch's.

A name resolves when attribute access from its root finds it: ``torch.X`` in ``ember``, ``torchvision.X`` in
``ember.vision``, ``Tensor.m`` / ``Module.m`` / ``Optimizer.m`` / ``LRScheduler.m`` / ``Dataset.m`` /
``DataLoader.m`` on an instance of ember's class (``A|B.m`` on each of them). A submodule that PyTorch too only
loads on import (``torch.utils.tensorboard``) may be imported on the way.
"""
from __future__ import annotations

import csv
import importlib
import operator
import pathlib
import warnings

import numpy as np
import pytest

import ember
import ember.vision
from support import torch, needs_torch, assert_same, check_op

CSV = pathlib.Path('/work/shared/reference/torch-api-usage.csv')

# The 400 most used names, pasted from the CSV so that the check runs without /work/shared.
TOP_400 = (
    'torch.nn.Module', 'torch.nn.Linear', 'Module.parameters', 'Tensor.shape', 'Tensor|Module.to',
    'Tensor.backward', 'Tensor.item', 'Optimizer|LRScheduler.step', 'Module|Optimizer.zero_grad', 'Module.eval',
    'torch.tensor', 'torch.cuda.is_available', 'Tensor.view', 'torch.no_grad', 'torch.utils.data.DataLoader',
    'torch.device', 'Tensor.data', 'torch.manual_seed', 'Tensor.size', 'torch.nn.Sequential', 'torch.cat',
    'torch.randn', 'Tensor.unsqueeze', 'Tensor.sum', 'torchvision.transforms.ToTensor', 'torch.zeros',
    'torch.optim.Adam', 'Module|Optimizer|LRScheduler.state_dict', 'Tensor.mean', 'Module.train', 'Tensor.device',
    'torch.ones', 'Tensor.squeeze', 'torch.nn.Conv2d', 'torch.nn.Embedding', 'torch.arange', 'Tensor.reshape',
    'torchvision.transforms.Compose', 'Tensor.numpy', 'torch.nn.ReLU', 'torch.nn.Dropout', 'torch.save',
    'Tensor.detach', 'torch.nn.Parameter', 'torchvision.transforms.Normalize',
    'Module|Optimizer|LRScheduler.load_state_dict', 'torch.load', 'torch.nn.CrossEntropyLoss',
    'torch.nn.functional.relu', 'torch.float32', 'torch.optim.SGD', 'Tensor|Module.cpu', 'Tensor.transpose',
    'Tensor.numel', 'torch.utils.data.Dataset', 'Tensor|Module.float', 'torch.rand', 'Tensor.requires_grad',
    'torch.long', 'Module.apply', 'torch.Tensor', 'Tensor|Module.cuda', 'Tensor.grad', 'Tensor.dtype',
    'Tensor.tolist', 'torch.softmax', 'torchvision.transforms.Resize', 'Module.register_buffer',
    'torchvision.datasets.MNIST', 'torch.nn.BatchNorm2d', 'Tensor|Module.type', 'torch.nn.ModuleList',
    'torch.argmax', 'Tensor.T', 'torch.sin', 'Tensor.max', 'torch.randint', 'torch.nn.MSELoss', 'torch.bfloat16',
    'torch.sqrt', 'torch.from_numpy', 'torch.inf', 'torch.nn.functional.cross_entropy', 'torch.triu',
    'Tensor.flatten', 'Tensor.argmax', 'torch.optim.AdamW', 'torch.nn.init.normal_', 'torch.exp', 'torch.tanh',
    'torch.nn.Tanh', 'torchvision.utils.save_image', 'torch.FloatTensor', 'torch.nn.LeakyReLU', 'Tensor.fill_',
    'Tensor.permute', 'Tensor.copy_', 'torch.nn.functional.softmax', 'Tensor.contiguous', 'torch.cos', 'Tensor.pow',
    'torch.autograd.Variable', 'torch.compile', 'Tensor.clone', 'torch.cuda.synchronize', 'torch.stack',
    'torch.nn.MaxPool2d', 'torch.LongTensor', 'torch.cuda.FloatTensor', 'torch.backends.mps.is_available',
    'torch.nn.LazyLinear', 'torch.sum', 'torch.max', 'torch.allclose', 'torch.bool',
    'torch.distributed.init_process_group', 'torch.nn.utils.clip_grad_norm_', 'Tensor.masked_fill', 'torch.pi',
    'torch.linspace', 'torch.accelerator.current_accelerator', 'torch.float', 'torch.pow',
    'Module.named_parameters', 'torch.cuda.max_memory_allocated', 'Tensor.relu', 'torch.nn.init.constant_',
    'Tensor.repeat_interleave', 'torch.accelerator.is_available', 'torch.nn.functional.silu', 'Tensor.masked_fill_',
    'torch.distributed.destroy_process_group', 'Tensor.zero_', 'torch.empty', 'Tensor.var', 'torch.nn.Flatten',
    'torch.nn.functional.log_softmax', 'torch.mean', 'torch.inference_mode', 'Module.forward',
    'torch.cuda.set_device', 'Tensor.eq', 'Tensor.repeat', 'torch.multinomial',
    'torchvision.transforms.RandomHorizontalFlip', 'torch.rsqrt', 'torch.nn.LayerNorm', 'torch.where',
    'torch.nn.Sigmoid', 'Module.training', 'Tensor.bool', 'torch.topk', 'torch.zeros_like', 'torch.nn.LSTM',
    'torch.as_tensor', 'torch.testing.assert_close', 'torch.log', 'torchvision.datasets.ImageFolder',
    'torchvision.models.resnet18', 'Tensor.t', 'torch.nn.NLLLoss', 'torch.nn.GRU', 'Tensor.abs', 'torch.flatten',
    'torch.__version__', 'torch.cuda.device_count', 'torch.nn.BatchNorm1d',
    'torch.nn.parallel.DistributedDataParallel', 'torch.cuda.reset_peak_memory_stats',
    'torchvision.transforms.CenterCrop', 'torch.nn.ConvTranspose2d', 'torchvision.datasets.FashionMNIST',
    'torch.ones_like', 'Tensor.norm', 'torch.optim.lr_scheduler.StepLR', 'torch.nn.Upsample',
    'torch.nn.functional.max_pool2d', 'torch.nn.functional.avg_pool2d', 'torch.multiprocessing.spawn',
    'torch.nn.BCELoss', 'Tensor.view_as', 'Module.add_module', 'torchvision.datasets.CIFAR10',
    'torch.nn.init.xavier_uniform_', 'Tensor|Module.requires_grad_', 'Tensor.topk', 'torch.nn.LazyConv2d',
    'Tensor.std', 'Tensor.exp', 'torch.nn.functional.scaled_dot_product_attention', 'torchvision.utils.make_grid',
    'torch.mm', 'torch.nn.DataParallel', 'torch.nn.L1Loss', 'Tensor.expand', 'torch.all',
    'torchvision.transforms.RandomResizedCrop', 'Optimizer.param_groups', 'torch.autograd.grad',
    'torch.nn.AvgPool2d', 'torch.nn.Dropout2d', 'torch.cuda.manual_seed', 'Module.buffers', 'Tensor.split',
    'torch.float16', 'torch.nn.InstanceNorm2d', 'torch.utils.benchmark.Timer', 'torch.distributed.rpc.init_rpc',
    'torch.bmm', 'torch.matmul', 'Tensor.add_', 'torch.utils.data.distributed.DistributedSampler',
    'torch.fx.symbolic_trace', 'torch.sigmoid', 'Tensor.element_size', 'torch.nn.AdaptiveAvgPool2d', 'torch.double',
    'torch.equal', 'torch.distributed.all_reduce', 'torch.normal', 'torch.nn.functional.nll_loss', 'torch.abs',
    'Tensor.dim', 'Tensor.long', 'torch.nn.Softmax', 'torch.nn.init.zeros_', 'torch.distributed.barrier',
    'torch.int64', 'torch.distributed.rpc.RRef', 'torch.distributed.rpc.shutdown', 'Module.children',
    'torch.backends.cudnn.deterministic', 'Module.register_forward_hook', 'torch.distributed.get_rank', 'torch.eye',
    'torch.jit.script', 'Tensor.mul', 'Tensor.mul_', 'torch.empty_like', 'torch.export.export', 'Tensor.nelement',
    'torch.cuda.Event', 'torch.full', 'Tensor.sin', 'Tensor.all', 'Tensor.clamp', 'torch.set_grad_enabled',
    'Tensor.sigmoid', 'Tensor.softmax', 'torch.nn.functional.sigmoid', 'torch.optim.Optimizer',
    'torch.__version__.split', 'torch.cuda.memory_allocated', 'torch.fx.GraphModule', 'torch.clamp',
    'torch.cuda.get_device_capability', 'torch.nn.GELU', 'torch.randperm', 'torch.utils.tensorboard.SummaryWriter',
    'Tensor.grad_fn', 'torch.nn.RMSNorm', 'torch.profiler.profile', 'torchtext.legacy.data.Field', 'Tensor.resize',
    'Tensor.uniform_', 'torch.distributed.rpc.remote', 'torch.distributed.ReduceOp.SUM', 'torch.nonzero',
    'torch.gather', 'Tensor.normal_', 'Module.modules', 'Tensor.add', 'Tensor.log', 'Tensor.ndim', 'Tensor.random_',
    'Module.named_modules', 'torch.tril', 'torch.backends.cudnn.benchmark', 'torch.cuda.current_device',
    'torch.multiprocessing.set_start_method', 'torch.nn.RNN', 'torch.utils.data.RandomSampler',
    'torchtext.legacy.data.BucketIterator.splits', 'torch.Generator', 'torch.distributed.get_world_size',
    'torch.einsum', 'torch.norm', 'torch.profiler.ProfilerActivity.CPU', 'torch.distributed.fsdp.fully_shard',
    'torch.utils.data.TensorDataset', 'torchvision.io.read_image', 'torch.nn.init.uniform_', 'torch.square',
    'torch.utils.data.Subset', 'torch.int32', 'torch.rand_like', 'Tensor.min', 'torch.fx.Node',
    'torch.nn.LogSoftmax', 'torch.add', 'torch.distributions.Categorical', 'torch.nn.BCEWithLogitsLoss',
    'torch.nn.init.kaiming_uniform_', 'torch.optim.Adadelta', 'torch.repeat_interleave', 'torch.uint8',
    'Tensor.chunk', 'Tensor.scatter_', 'Tensor.sqrt', 'torch.distributed.rpc.rpc_sync',
    'torch.nn.MultiheadAttention', 'torch.accelerator.device_count', 'torch.backends.cuda.matmul.allow_tf32',
    'torch.cuda.LongTensor', 'torch.relu', 'torch.set_default_device', 'torch.set_printoptions', 'torch.unique',
    'torchtext.legacy.datasets.Multi30k.splits', 'torchvision.models.vgg19', 'torchvision.transforms.RandomCrop',
    'torch.nn.LazyBatchNorm2d', 'Tensor.data_ptr', 'torch.autograd.Function',
    'torch.distributed.rpc.get_worker_info', 'torch.nn.functional.one_hot', 'torch.nn.utils.rnn.pad_sequence',
    'Tensor.any', 'torch._logging.set_logs', 'torch.dot', 'torch.randn_like', 'torch.version.cuda',
    'Tensor.resize_', 'Tensor.trace', 'torch.mul', 'torch.profiler.schedule', 'torch.cuda.is_bf16_supported',
    'torch.nn.functional.dropout', 'Tensor.cos', 'Tensor.cumsum', 'Tensor.index_add_', 'Tensor.int',
    'Tensor.nonzero', 'torch.acos', 'torch.backends.cudnn.allow_tf32', 'torch.classes.load_library',
    'torch.cuda.memory_reserved', 'torch.distributed.autograd.backward', 'torch.distributed.autograd.context',
    'torch.distributed.is_initialized', 'torch.distributed.rpc.TensorPipeRpcBackendOptions',
    'torch.distributed.rpc.rpc_async', 'torch.jit.load', 'torch.nn.init.ones_',
    'torch.set_float32_matmul_precision', 'torch.masked.masked_tensor',
    'torch.distributed.tensor.parallel.ColwiseParallel', 'torch.nn.ReflectionPad2d', 'torchvision.models.resnet50',
    'torch.distributed.tensor.parallel.RowwiseParallel', 'Tensor|Module.half', 'tensordict.TensorDict',
    'torch.cuda.empty_cache', 'Tensor.to_sparse', 'torch.chunk', 'torch.distributed.fsdp.FullyShardedDataParallel',
    'torch.fx.Proxy', 'torch.profiler.record_function', 'torch.sparse_coo_tensor', 'Tensor.index_select',
    'Tensor|Module.double', 'torch.distributed.tensor.parallel.parallelize_module', 'torch.jit.trace',
    'tensordict.nn.TensorDictModule', 'torch.float64', 'torch.nn.ModuleDict',
    'torch.profiler.ProfilerActivity.CUDA', 'torchvision.transforms.Lambda', 'Tensor.log10',
    'torch.distributed.device_mesh.init_device_mesh', 'torch.fx.Graph', 'torch.meshgrid', 'torch.nn.Conv1d',
    'torch.nn.ZeroPad2d', 'torch.nn.functional.gelu', 'torch.unsqueeze', 'torch.Size', 'torch.fx.Tracer',
    'torch.split', 'torchvision.models.densenet121', 'torchvision.models.vgg16', 'Module.named_children',
    'Tensor.dot', 'Tensor.expand_as', 'torch.amp.autocast', 'torch.distributed.get_default_backend_for_device',
    'torch.distributed.optim.DistributedOptimizer', 'torch.floor', 'torch.func.functional_call',
    'torch.futures.wait_all',
)

# Out of scope for now, by prefix; each of these is reported as known-missing rather than failing.
OUT_OF_SCOPE = (
    # Multi-process training: process groups, RPC, FSDP, DTensor, DDP (ember runs one process per device).
    'torch.distributed.', 'torch.nn.parallel.DistributedDataParallel',
    # Graph capture and compilation: ember runs eagerly (torch.compile and torch.jit.script/trace are identities).
    'torch.fx.', 'torch.export.', 'torch._dynamo.', 'torch._inductor.', 'torch._logging.', 'torch.jit.load',
    'torch.jit.save', 'torch.onnx.', 'torch.library.', 'torch.ops.', 'torch.classes.', 'torch.utils.cpp_extension.',
    # Profilers and benchmarking tools.
    'torch.profiler.', 'torch.autograd.profiler.', 'torch.utils.benchmark.',
    # Sparse, masked and nested layouts.
    'torch.sparse_coo_tensor', 'torch.masked.', 'torch.nested.', 'Tensor.to_sparse',
    # Asynchronous RPC futures.
    'torch.futures.',
    # Other libraries built on PyTorch.
    'torchtext.', 'torchaudio.', 'torchrl.', 'tensordict.', 'torchrec.', 'torchao.', 'functorch.',
)


def _samples() -> dict:
    t = ember.zeros(2, 3)
    m = ember.nn.Linear(3, 2)
    opt = ember.optim.SGD(m.parameters(), lr=0.1)
    ds = ember.utils.data.TensorDataset(t)
    return {'Tensor': t, 'Module': m, 'Optimizer': opt, 'LRScheduler': ember.optim.lr_scheduler.StepLR(opt, 1),
            'Dataset': ds, 'DataLoader': ember.utils.data.DataLoader(ds)}


_SAMPLES = _samples()


def _walk(obj, path: str | None, parts: list) -> bool:
    """Follow ``parts`` from ``obj`` (the module named ``path``, or an instance when None) by attribute access."""
    for p in parts:
        try:
            obj = getattr(obj, p)
        except AttributeError:
            if path is None:
                return False
            path = f"{path}.{p}"
            try:
                obj = importlib.import_module(path)
            except ImportError:
                return False
            continue
        path = None if path is None else f"{path}.{p}"
    return True


def resolves(api: str) -> bool:
    head, _, rest = api.partition('.')
    parts = rest.split('.')
    if head == 'torch':
        return _walk(ember, 'ember', parts)
    if head == 'torchvision':
        return _walk(ember.vision, 'ember.vision', parts)
    classes = head.split('|')
    if all(c in _SAMPLES for c in classes):
        return all(_walk(_SAMPLES[c], None, parts) for c in classes)
    return False


def out_of_scope(api: str) -> bool:
    return api.startswith(OUT_OF_SCOPE)


def test_top_400_resolve():
    missing = [a for a in TOP_400 if not out_of_scope(a) and not resolves(a)]
    assert not missing, f"names in the top 400 that ember lacks: {missing}"


def test_out_of_scope_list_is_current():
    # A name that now resolves should leave the allowlist (keeps the list honest).
    stale = [a for a in TOP_400 if out_of_scope(a) and resolves(a)]
    assert not stale, f"out-of-scope names that resolve now: {stale}"


@pytest.mark.skipif(not CSV.exists(), reason="the usage table lives in /work/shared, not in users' checkouts")
def test_coverage_of_the_usage_table():
    with CSV.open() as f:
        names = [r['api'] for r in csv.DictReader(f)]
    assert tuple(names[:400]) == TOP_400, "TOP_400 is out of date: regenerate it from the CSV"
    ok = [resolves(a) for a in names[:805]]
    for n in (237, 399, 805):
        print(f"top {n}: {sum(ok[:n])}/{n} resolve ({sum(ok[:n]) / n:.1%})")
    print("still missing in the top 805:", [a for a, r in zip(names[:805], ok) if not r])
    assert sum(ok[:237]) >= 226 and sum(ok[:399]) >= 347 and sum(ok[:805]) >= 547  # no regressions


# ----------------------------------------------------------------------------------------- top-level aliases
def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _same_call(name, *args, **kwargs):
    check_op(getattr(ember, name), getattr(torch, name), *args, **kwargs)


@needs_torch
@pytest.mark.parametrize('name, args', [
    ('conv1d', (_rand(2, 3, 7), _rand(4, 3, 3), _rand(4), 1, 1)),
    ('conv2d', (_rand(2, 3, 6, 6), _rand(4, 3, 3, 3), None, 2, 1)),
    ('conv_transpose2d', (_rand(1, 2, 4, 4), _rand(2, 3, 3, 3), _rand(3), 2, 1, 1)),
    ('avg_pool1d', (_rand(2, 3, 8), 3, 2, 1)),
    ('adaptive_avg_pool1d', (_rand(2, 3, 8), 3)),
    ('cosine_similarity', (_rand(4, 5), _rand(4, 5, seed=1))),
    ('pairwise_distance', (_rand(4, 5), _rand(4, 5, seed=1), 3.0)),
    ('pdist', (_rand(5, 3),)),
    ('cdist', (_rand(2, 4, 3), _rand(2, 5, 3, seed=1))),
    ('bilinear', (_rand(3, 2), _rand(3, 4), _rand(5, 2, 4), _rand(5))),
    ('prelu', (_rand(2, 3, 4), _rand(3) * 0.1)),
    ('hardshrink', (_rand(6), 0.4)),
    ('selu', (_rand(6),)),
    ('celu', (_rand(6), 0.7)),
    ('threshold', (_rand(6), 0.1, 20.0)),
    ('pixel_shuffle', (_rand(1, 8, 2, 3), 2)),
    ('channel_shuffle', (_rand(1, 6, 2, 2), 3)),
    ('layer_norm', (_rand(3, 4), [4], _rand(4), _rand(4))),
    ('group_norm', (_rand(2, 4, 3), 2, _rand(4), _rand(4))),
    ('rms_norm', (_rand(3, 4), [4], _rand(4))),
    ('max_pool1d', (_rand(2, 3, 8), 2)),
    ('max_pool2d', (_rand(2, 3, 6, 6), 3, [], 1)),
    ('max_pool3d', (_rand(1, 2, 4, 4, 4), 2, 1)),
    ('max_pool1d_with_indices', (_rand(2, 3, 8), 3, 2)),
    ('adaptive_max_pool1d', (_rand(2, 3, 8), 3)),
    ('dropout', (_rand(3, 4), 0.5, False)),
    ('alpha_dropout', (_rand(3, 4), 0.5, False)),
    ('feature_alpha_dropout', (_rand(3, 4), 0.5, False)),
])
def test_functional_aliases_match_torch(name, args):
    _same_call(name, *args)


@needs_torch
def test_batch_norm_instance_norm_embedding_take_atens_argument_order():
    x, w, b = _rand(4, 3, 5), _rand(3), _rand(3)
    for training in (True, False):
        rm_e, rv_e = ember.zeros(3, dtype=ember.float64), ember.ones(3, dtype=ember.float64)
        rm_t, rv_t = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
        check_op(lambda x, w, b: ember.batch_norm(x, w, b, rm_e, rv_e, training, 0.1, 1e-5, True),
                 lambda x, w, b: torch.batch_norm(x, w, b, rm_t, rv_t, training, 0.1, 1e-5, True), x, w, b)
        assert_same(rm_e, rm_t)
        assert_same(rv_e, rv_t)
    check_op(lambda x, w, b: ember.instance_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
             lambda x, w, b: torch.instance_norm(x, w, b, None, None, True, 0.1, 1e-5, False), x, w, b)
    idx = np.array([[0, 2], [3, 0]])
    check_op(lambda w, i: ember.embedding(w, i), lambda w, i: torch.embedding(w, i), _rand(4, 3), idx)
    check_op(lambda w, i: ember.embedding(w, i, 0), lambda w, i: torch.embedding(w, i, 0), _rand(4, 3), idx)


@needs_torch
def test_dropout_aliases_train_and_inplace():
    assert ember.dropout(ember.ones(100), 0.0, True).sum().item() == 100.0
    out = ember.dropout(ember.ones(1000), 0.5, True)
    assert set(np.unique(out.numpy())) <= {0.0, 2.0}
    x = ember.ones(10)
    assert ember.dropout_(x, 1.0, True) is x and x.sum().item() == 0
    with pytest.raises(TypeError):
        ember.dropout(ember.ones(2), 0.5)  # train is required, as in torch
    with pytest.raises(TypeError):
        torch.dropout(torch.ones(2), 0.5)


@needs_torch
@pytest.mark.parametrize('name', ['sin_', 'exp_', 'clamp_', 'sigmoid_', 'zero_', 'relu_', 'selu_', 'celu_'])
def test_top_level_inplace_functions(name):
    args = (-0.5, 0.5) if name == 'clamp_' else ()
    a = np.linspace(-2, 2, 7)
    e, t = ember.tensor(a), torch.tensor(a)
    re, rt = getattr(ember, name)(e, *args), getattr(torch, name)(t, *args)
    assert re is e and rt is t
    assert_same(e, t)


# ----------------------------------------------------------------------------------------- constants, layouts
@needs_torch
def test_constants_layouts_and_memory_formats():
    for n in ('inf', 'pi', 'e'):
        assert getattr(ember, n) == getattr(torch, n)
    assert np.isnan(ember.nan) and ember.newaxis is None
    for n in ('strided', 'channels_last', 'channels_last_3d', 'contiguous_format', 'preserve_format'):
        assert repr(getattr(ember, n)) == repr(getattr(torch, n))
    x = ember.tensor(_rand(2, 3, 4, 5))
    assert x.layout is ember.strided and isinstance(ember.channels_last, ember.memory_format)
    assert_same(x.to(memory_format=ember.channels_last), torch.tensor(_rand(2, 3, 4, 5)))
    assert_same(x.contiguous(memory_format=ember.channels_last), torch.tensor(_rand(2, 3, 4, 5)))
    m = ember.nn.Conv2d(3, 2, 1).to(memory_format=ember.channels_last)
    assert m.weight.shape == (2, 3, 1, 1)


# ----------------------------------------------------------------------------------------- legacy tensor types
@needs_torch
def test_legacy_tensor_types():
    for name in ('FloatTensor', 'LongTensor', 'DoubleTensor', 'ByteTensor', 'BoolTensor'):
        e, t = getattr(ember, name), getattr(torch, name)
        assert repr(e) == repr(t) and e.dtype.name == str(t.dtype).removeprefix('torch.')
        assert_same(e([1, 0, 2]), t([1, 0, 2]))
        other = ember.int64 if e.dtype is ember.float32 else ember.float32
        assert isinstance(ember.zeros(2, dtype=e.dtype), e) and not isinstance(ember.zeros(2, dtype=other), e)
        t_other = getattr(torch, other.name)
        assert isinstance(torch.zeros(2, dtype=t.dtype), t) and not isinstance(torch.zeros(2, dtype=t_other), t)
        assert_same(ember.ones(2, 2).type(e), torch.ones(2, 2).type(t))
        assert repr(getattr(ember.cuda, name)) == repr(getattr(torch.cuda, name))
        assert not isinstance(ember.zeros(2, dtype=e.dtype), getattr(ember.cuda, name))
    assert ember.nn.Linear(2, 2).type(ember.DoubleTensor).weight.dtype is ember.float64
    if not ember.cuda.is_available():
        with pytest.raises(TypeError, match="not available"):
            ember.cuda.FloatTensor(2)


# ----------------------------------------------------------------------------------------- Tensor methods
@needs_torch
def test_tensor_new_and_flags():
    for args in ((2, 3), ([1, 2],), ()):
        for dt in ('float64', 'int64'):
            e = ember.zeros(1, dtype=getattr(ember, dt)).new(*args)
            t = torch.zeros(1, dtype=getattr(torch, dt)).new(*args)
            if args == (2, 3):  # uninitialised memory: compare shape and dtype
                e, t = e.zero_(), t.zero_()
            assert_same(e, t)
    x, t = ember.ones(2), torch.ones(2)
    for attr in ('is_nested', 'is_xpu', 'is_mps'):
        assert getattr(x, attr) == getattr(t, attr)
    assert x.is_pinned() == t.is_pinned() and x.to_dense() is x
    assert_same(x.to_dense(ember.float64), t.to_dense(torch.float64))
    if not ember.cuda.is_available():
        with pytest.raises(RuntimeError, match="accelerator"):
            x.pin_memory()


@needs_torch
def test_resize():
    cases = [((6,), (2, 2)), ((4,), (2, 3)), ((2, 3), (6,)), ((3,), (0,))]
    for start, new in cases:
        e = ember.arange(float(np.prod(start))).reshape(start)
        t = torch.arange(float(np.prod(start))).reshape(start)
        re, rt = e.resize_(*new), t.resize_(*new)
        assert re is e and tuple(e.shape) == tuple(t.shape) and e._version == t._version
        n = min(int(np.prod(start)), int(np.prod(new)))
        assert_same(e.flatten()[:n], t.flatten()[:n])
    e, t = ember.arange(6.).reshape(2, 3).t(), torch.arange(6.).reshape(2, 3).t()
    assert_same(e.resize_(6), t.resize_(6))  # storage order, not the transposed view's order
    e = ember.arange(6.)
    v = e.resize_(2, 3)
    v[0, 0] = 10
    assert e[0, 0].item() == 10
    assert_same(ember.zeros(4).resize_as_(ember.zeros(2, 2)), torch.zeros(4).resize_as_(torch.zeros(2, 2)))
    with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
        ember.zeros(2, requires_grad=True).resize_(3)
    with pytest.raises(RuntimeError, match="negative dimension"):
        ember.zeros(2).resize_(-1)
    with pytest.raises(RuntimeError):
        torch.zeros(2).resize_(-1)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        assert_same(ember.arange(6.).resize(3, 2), torch.arange(6.).resize(3, 2))
        g = ember.zeros(2, requires_grad=True).resize(1, 2)
        assert g.requires_grad and tuple(g.shape) == (1, 2)
        with pytest.raises(RuntimeError, match="autograd's resize"):
            ember.zeros(2, requires_grad=True).resize(3)


@needs_torch
@pytest.mark.parametrize('name, args', [('unsqueeze_', (0,)), ('unsqueeze_', (-1,)), ('squeeze_', ()),
                                        ('squeeze_', (1,)), ('t_', ()), ('transpose_', (0, 2))])
def test_inplace_view_ops(name, args):
    shape = (2, 3) if name == 't_' else (2, 1, 3)
    a = _rand(*shape)
    we, wt = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    xe, xt = we * 2, wt * 2
    re, rt = getattr(xe, name)(*args), getattr(xt, name)(*args)
    assert re is xe and rt is xt and xe._version == xt._version
    assert_same(xe, xt)
    g = _rand(*xt.shape, seed=3)
    (xe * ember.tensor(g)).sum().backward()
    (xt * torch.tensor(g)).sum().backward()
    assert_same(we.grad, wt.grad)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        getattr(ember.tensor(a, requires_grad=True), name)(*args)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        getattr(torch.tensor(a, requires_grad=True), name)(*args)
    plain = ember.tensor(a)
    getattr(plain, name)(*args)
    assert tuple(plain.shape) == tuple(rt.shape)


# ----------------------------------------------------------------------------------------- devices and backends
@needs_torch
def test_backends_flags():
    cudnn = ember.backends.cudnn
    assert (cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.allow_tf32) == (True, False, False, True)
    assert cudnn.is_available() is False and cudnn.version() is None
    with cudnn.flags(enabled=False, deterministic=True):
        assert cudnn.enabled is False and cudnn.deterministic is True
    assert cudnn.enabled is True and cudnn.deterministic is False
    cudnn.benchmark = True
    assert ember.backends.cudnn.benchmark is True
    cudnn.benchmark = False
    assert ember.backends.cuda.matmul.allow_tf32 is False
    assert ember.backends.mps.is_available() is False and ember.backends.mps.is_built() is False
    assert ember.xpu.is_available() is False and ember.cpu.is_available() and ember.cpu.device_count() == 1
    assert ember.version.cuda is None and ember.version.__version__ == ember.__version__


@needs_torch
@pytest.mark.skipif(ember.cuda.is_available(), reason="checks the behaviour without a GPU")
def test_accelerator_and_cuda_without_gpu():
    A = ember.accelerator
    assert A.is_available() is False and A.current_accelerator() is None and A.device_count() == 0
    for fn, args in ((A.set_device_index, (0,)), (A.current_device_index, ())):
        with pytest.raises(RuntimeError, match="Cannot access accelerator"):
            fn(*args)
        with pytest.raises(RuntimeError, match="Cannot access accelerator"):
            getattr(torch.accelerator, fn.__name__)(*args)
    C = ember.cuda
    for name in ('memory_allocated', 'max_memory_allocated', 'memory_reserved'):
        assert getattr(C, name)() == getattr(torch.cuda, name)() == 0
    assert C.is_bf16_supported() == torch.cuda.is_bf16_supported()
    C.reset_peak_memory_stats()
    with pytest.raises(RuntimeError, match="dummy base class Event"):
        C.Event(enable_timing=True)
    with pytest.raises(RuntimeError, match="dummy base class Event"):
        torch.cuda.Event(enable_timing=True)
    for fn in (C.current_device, C.get_device_capability, C.get_device_name, lambda: C.set_device(0)):
        with pytest.raises(RuntimeError, match="CUDA"):
            fn()


@needs_torch
def test_threads_determinism_matmul_precision():
    before = ember.get_num_threads()
    assert before >= 1
    ember.set_num_threads(3)
    assert ember.get_num_threads() == 3
    ember.set_num_threads(before)
    for bad in (0, -1, 1.5):
        with pytest.raises(RuntimeError):
            ember.set_num_threads(bad)
    with pytest.raises((RuntimeError, TypeError)):
        torch.set_num_threads(0)
    assert ember.are_deterministic_algorithms_enabled() is False
    ember.use_deterministic_algorithms(True, warn_only=True)
    assert ember.are_deterministic_algorithms_enabled() and ember.is_deterministic_algorithms_warn_only_enabled()
    ember.use_deterministic_algorithms(False)
    assert ember.get_float32_matmul_precision() == torch.get_float32_matmul_precision() == 'highest'
    ember.set_float32_matmul_precision('high')
    assert ember.get_float32_matmul_precision() == 'high'
    ember.set_float32_matmul_precision('highest')
    for lib in (ember, torch):
        with pytest.warns(UserWarning, match="no effect"):
            lib.set_float32_matmul_precision('low')
        assert lib.get_float32_matmul_precision() == 'highest'


# ----------------------------------------------------------------------------------------- amp, compile, jit
def _train(scaler, ctx):
    ember.manual_seed(0)
    m = ember.nn.Linear(4, 1)
    opt = ember.optim.SGD(m.parameters(), lr=0.1)
    x, y = ember.tensor(_rand(8, 4)).float(), ember.tensor(_rand(8, 1, seed=1)).float()
    for _ in range(3):
        opt.zero_grad()
        with ctx():
            loss = ember.nn.functional.mse_loss(m(x), y)
        if scaler is None:
            loss.backward()
            opt.step()
        else:
            assert scaler.scale(loss) is loss
            scaler.scale(loss).backward()
            scaler.unscale_(opt)
            scaler.step(opt)
            scaler.update()
    return m.weight.detach().numpy()


def test_autocast_and_grad_scaler_change_nothing():
    import contextlib
    plain = _train(None, contextlib.nullcontext)
    for scaler, ctx in ((ember.amp.GradScaler(), lambda: ember.autocast('cuda', dtype=ember.float16)),
                        (ember.cuda.amp.GradScaler(), ember.cuda.amp.autocast),
                        (ember.amp.GradScaler('cpu'), lambda: ember.amp.autocast('cpu')),
                        (ember.cpu.amp.GradScaler(), ember.cpu.amp.autocast)):
        np.testing.assert_array_equal(_train(scaler, ctx), plain)
        assert scaler.get_scale() == 1.0 and scaler.state_dict() == {} and not scaler.is_enabled()
    f = ember.autocast('cpu')(lambda a: a * 2)
    assert f(3) == 6
    assert ember.autocast('cuda').fast_dtype is ember.float16 and ember.autocast('cpu').fast_dtype is ember.bfloat16
    with pytest.raises(ValueError, match="device_type"):
        ember.autocast(ember.device('cpu'))
    with pytest.raises(RuntimeError):
        ember.autocast('nope')


@needs_torch
def test_autocast_errors_match_torch():
    with pytest.raises(ValueError):
        torch.autocast(torch.device('cpu'))
    with pytest.raises(RuntimeError):
        torch.autocast('nope')


def test_compile_jit_compiler_are_identities():
    m = ember.nn.Linear(2, 2)
    assert ember.compile(m) is m
    assert ember.compile(mode='max-autotune')(m) is m

    @ember.compile
    def f(x):
        return x + 1
    assert f(1) == 2
    assert m.compile() is None and m(ember.ones(2)).shape == (2,)
    assert ember.jit.script(m) is m and ember.jit.trace(f, (ember.ones(1),)) is f
    assert not ember.jit.is_scripting() and not ember.jit.is_tracing() and not ember.compiler.is_compiling()
    assert ember.compiler.disable(f) is f and ember.compiler.reset() is None
    with ember.compiler.set_stance('force_eager'):
        assert f(2) == 3


@needs_torch
@pytest.mark.parametrize('p', [2, 1, 0, 3.5, float('inf')])
def test_dist(p):
    _same_call('dist', _rand(3, 4), _rand(4, seed=1), p, grad=p != 0)  # torch has no gradient for p=0


@needs_torch
def test_cond_and_check_match_torch():
    x = ember.tensor([1.0, 2.0])
    assert_same(ember.cond(x.sum() > 0, lambda a: a.sin(), lambda a: a.cos(), (x,)), torch.tensor([1.0, 2.0]).sin())
    assert_same(ember.cond(False, lambda a: a.sin(), lambda a: a.cos(), (x,)), torch.tensor([1.0, 2.0]).cos())
    ember._check(True)
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="Expected cond to be True"):
            lib._check(False)
        with pytest.raises(RuntimeError, match="^custom$"):
            lib._check(False, lambda: 'custom')


# ----------------------------------------------------------------------------------------- nn additions
@needs_torch
@pytest.mark.parametrize('name, args, shape', [
    ('ZeroPad1d', (2,), (2, 3, 5)), ('ZeroPad2d', ((1, 0, 2, 1),), (2, 3, 4, 5)), ('ZeroPad3d', (1,), (1, 2, 3, 3, 3)),
    ('ConstantPad1d', ((1, 2), 3.5), (3, 4)), ('ConstantPad2d', (1, -1.0), (1, 2, 3, 3)),
    ('ConstantPad3d', ((1, 0, 0, 1, 1, 0), 2.0), (1, 1, 2, 2, 2)),
    ('ReflectionPad1d', ((2, 1),), (2, 3, 5)), ('ReflectionPad2d', (1,), (2, 3, 4, 5)),
    ('ReflectionPad3d', (1,), (1, 2, 3, 3, 3)), ('ReplicationPad1d', (3,), (2, 3, 4)),
    ('ReplicationPad2d', ((1, 2, 0, 3),), (1, 2, 3, 3)), ('ReplicationPad3d', (1,), (1, 1, 2, 3, 3)),
    ('CircularPad1d', (2,), (2, 3, 4)), ('CircularPad2d', ((1, 1, 2, 0),), (1, 2, 3, 3)),
    ('CircularPad3d', (1,), (1, 1, 2, 3, 3)),
])
def test_padding_modules(name, args, shape):
    me, mt = getattr(ember.nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(me) == repr(mt) and me.padding == mt.padding
    check_op(me, mt, _rand(*shape))


@needs_torch
def test_padding_module_errors():
    with pytest.raises(RuntimeError):
        torch.nn.ReflectionPad1d(4)(torch.zeros(1, 2, 3))
    with pytest.raises(RuntimeError):
        ember.nn.ReflectionPad1d(4)(ember.zeros(1, 2, 3))


@needs_torch
def test_data_parallel_runs_the_module():
    me, mt = ember.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    mt.load_state_dict({k: torch.tensor(v.numpy()) for k, v in me.state_dict().items()})
    de, dt = ember.nn.DataParallel(me), torch.nn.DataParallel(mt)
    assert list(de.state_dict()) == list(dt.state_dict()) == ['module.weight', 'module.bias']
    assert de.module is me and de.device_ids == dt.device_ids == []
    x = _rand(4, 3).astype(np.float32)
    check_op(de, dt, x)
    if not ember.cuda.is_available():
        for lib, m in ((ember, me), (torch, mt)):
            with pytest.raises(RuntimeError, match="device type could not be determined"):
                lib.nn.parallel.data_parallel(m, lib.ones(1, 3))
    assert repr(de).splitlines()[0] == repr(dt).splitlines()[0]


@needs_torch
def test_attention_backend_selection_and_out_proj_type():
    assert {k: int(v) for k, v in ember.nn.attention.SDPBackend.__members__.items()} == \
        {k: int(v) for k, v in torch.nn.attention.SDPBackend.__members__.items()}
    q = ember.tensor(_rand(1, 2, 3, 4)).float()
    ref = ember.nn.functional.scaled_dot_product_attention(q, q, q)
    with ember.nn.attention.sdpa_kernel([ember.nn.attention.SDPBackend.MATH]):
        assert_same(ember.nn.functional.scaled_dot_product_attention(q, q, q), torch.tensor(ref.numpy()))
    with pytest.raises(AssertionError):
        with ember.nn.attention.sdpa_kernel(['math']):
            pass
    mha = ember.nn.MultiheadAttention(4, 2)
    assert type(mha.out_proj).__name__ == type(torch.nn.MultiheadAttention(4, 2).out_proj).__name__
    assert isinstance(mha.out_proj, ember.nn.Linear)


@needs_torch
def test_functional_call_matches_torch():
    results = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        m = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.BatchNorm1d(2))
        w = lib.ones(2, 3, requires_grad=True)
        y = lib.func.functional_call(m, ({'0.weight': w}, {'1.running_mean': lib.ones(2)}), lib.ones(4, 3))
        y.sum().backward()
        results.append((w.grad, type(m[0].weight).__name__, m[1].running_mean, m[1].num_batches_tracked))
        with pytest.raises(RuntimeError, match="Missing key"):
            lib.func.functional_call(m, {'0.weight': w}, (lib.ones(4, 3),), strict=True)
        with pytest.raises(ValueError, match="multiple dictionaries"):
            lib.func.functional_call(m, ({'0.weight': w}, {'0.weight': w}), (lib.ones(4, 3),))
    (ge, ne, rme, nbe), (gt, nt, rmt, nbt) = results
    assert_same(ge, gt)
    assert ne == nt == 'Parameter'
    assert_same(rme, rmt.detach())  # the module's own buffer is back (the replacement got the update)
    assert_same(nbe, nbt)


def test_functional_call_ties_weights():
    m = ember.nn.Module()
    m.a = ember.nn.Linear(2, 2, bias=False)
    m.b = ember.nn.Linear(2, 2, bias=False)
    m.b.weight = m.a.weight
    m.forward = lambda x: m.b(x)
    w = ember.eye(2)
    tied = ember.func.functional_call(m, {'a.weight': w}, ember.ones(1, 2))
    np.testing.assert_array_equal(tied.numpy(), [[1.0, 1.0]])
    untied = ember.func.functional_call(m, {'a.weight': w}, ember.ones(1, 2), tie_weights=False)
    np.testing.assert_array_equal(untied.detach().numpy(), m.b(ember.ones(1, 2)).detach().numpy())


def test_distributed_sampler_lives_in_utils_data_distributed():
    from ember.utils.data.distributed import DistributedSampler
    s = DistributedSampler(range(10), num_replicas=3, rank=1, shuffle=False)
    assert list(s) == [1, 4, 7, 0] and len(s) == 4
    assert ember.utils.data.distributed.DistributedSampler is ember.utils.data.DistributedSampler


# ----------------------------------------------------------------------------------------- multiprocessing
def test_multiprocessing_spawn():
    mp = ember.multiprocessing
    assert mp.get_start_method(allow_none=True) in (None, 'fork', 'spawn', 'forkserver') and mp.Process
    assert mp.spawn(operator.add, args=(1,), nprocs=2) is None
    with pytest.raises(mp.ProcessRaisedException, match="ZeroDivisionError"):
        mp.spawn(operator.truediv, args=(0,), nprocs=1)
    ctx = mp.start_processes(operator.add, args=(1,), nprocs=1, join=False, start_method='fork')
    assert ctx.join() is True and len(ctx.pids()) == 1
