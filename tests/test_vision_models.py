"""ember.vision.models: torchvision's architectures (parameter counts, state_dict keys and order), default
initialisation, forward/backward on small inputs, torchvision checkpoints through ember.load, and bad input.

Parameter counts are torchvision's published facts (the ``num_params`` of each model's weights entry).
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import ember
from ember import nn
from ember.vision import models as M
from ember.vision.models._utils import StochasticDepth
from support import needs_torch, torch

# name: (parameters, state_dict entries, keys that must be present, in this order)
FACTS = {
    'resnet18': (11_689_512, 122, ['conv1.weight', 'bn1.weight', 'layer1.0.conv1.weight',
                                   'layer2.0.downsample.0.weight', 'layer2.0.downsample.1.running_var',
                                   'layer4.1.bn2.num_batches_tracked', 'fc.weight', 'fc.bias']),
    'resnet34': (21_797_672, 218, ['conv1.weight', 'layer3.5.conv2.weight', 'layer4.2.bn2.num_batches_tracked',
                                   'fc.bias']),
    'resnet50': (25_557_032, 320, ['conv1.weight', 'layer1.0.conv3.weight', 'layer1.0.bn3.weight',
                                   'layer1.0.downsample.0.weight', 'layer4.2.bn3.num_batches_tracked', 'fc.bias']),
    'vgg11': (132_863_336, 22, ['features.0.weight', 'features.3.weight', 'features.18.bias', 'classifier.0.weight',
                                'classifier.3.weight', 'classifier.6.bias']),
    'vgg11_bn': (132_868_840, 62, ['features.0.weight', 'features.1.running_mean', 'features.4.weight',
                                   'features.26.num_batches_tracked', 'classifier.6.bias']),
    'vgg16': (138_357_544, 32, ['features.0.weight', 'features.2.weight', 'features.28.bias', 'classifier.6.bias']),
    'vgg16_bn': (138_365_992, 97, ['features.0.weight', 'features.1.weight', 'features.41.num_batches_tracked',
                                   'classifier.0.weight', 'classifier.6.bias']),
    'alexnet': (61_100_840, 16, ['features.0.weight', 'features.3.weight', 'features.6.weight',
                                 'features.8.weight', 'features.10.bias', 'classifier.1.weight', 'classifier.4.weight',
                                 'classifier.6.bias']),
    'mobilenet_v2': (3_504_872, 314, ['features.0.0.weight', 'features.0.1.num_batches_tracked',
                                      'features.1.conv.0.0.weight', 'features.1.conv.1.weight',
                                      'features.1.conv.2.running_var', 'features.2.conv.0.0.weight',
                                      'features.2.conv.3.num_batches_tracked', 'features.18.0.weight',
                                      'classifier.1.weight', 'classifier.1.bias']),
    'squeezenet1_1': (1_235_496, 52, ['features.0.weight', 'features.0.bias', 'features.3.squeeze.weight',
                                      'features.3.expand1x1.weight', 'features.3.expand3x3.bias',
                                      'features.12.expand3x3.bias', 'classifier.1.weight', 'classifier.1.bias']),
    'densenet121': (7_978_856, 727, ['features.conv0.weight', 'features.norm0.weight',
                                     'features.denseblock1.denselayer1.norm1.weight',
                                     'features.denseblock1.denselayer1.conv1.weight',
                                     'features.denseblock1.denselayer1.norm2.running_mean',
                                     'features.denseblock1.denselayer6.conv2.weight',
                                     'features.transition1.norm.weight',
                                     'features.transition1.conv.weight',
                                     'features.denseblock4.denselayer16.conv2.weight', 'features.norm5.bias',
                                     'classifier.weight', 'classifier.bias']),
    'efficientnet_b0': (5_288_548, 360, ['features.0.0.weight', 'features.0.1.weight', 'features.1.0.block.0.0.weight',
                                         'features.1.0.block.1.fc1.weight', 'features.1.0.block.1.fc2.bias',
                                         'features.1.0.block.2.0.weight', 'features.2.0.block.0.0.weight',
                                         'features.2.0.block.3.1.running_var', 'features.6.3.block.2.fc1.weight',
                                         'features.8.0.weight', 'features.8.1.num_batches_tracked',
                                         'classifier.1.weight', 'classifier.1.bias']),
    'vit_b_16': (86_567_656, 152, ['class_token', 'conv_proj.weight', 'conv_proj.bias', 'encoder.pos_embedding',
                                   'encoder.layers.encoder_layer_0.ln_1.weight',
                                   'encoder.layers.encoder_layer_0.self_attention.in_proj_weight',
                                   'encoder.layers.encoder_layer_0.self_attention.in_proj_bias',
                                   'encoder.layers.encoder_layer_0.self_attention.out_proj.weight',
                                   'encoder.layers.encoder_layer_0.ln_2.bias',
                                   'encoder.layers.encoder_layer_0.mlp.0.weight',
                                   'encoder.layers.encoder_layer_0.mlp.3.bias',
                                   'encoder.layers.encoder_layer_11.mlp.3.bias', 'encoder.ln.weight', 'encoder.ln.bias',
                                   'heads.head.weight', 'heads.head.bias']),
}
HEAVY = {'vgg11', 'vgg11_bn', 'vgg16', 'vgg16_bn', 'alexnet', 'vit_b_16'}


@pytest.fixture
def cheap_init(monkeypatch):
    """Skip the random initialisers (hundreds of millions of draws for VGG): shapes and names stay the same."""
    for name in ('normal_', 'uniform_', 'kaiming_normal_', 'kaiming_uniform_', 'constant_', 'zeros_', 'ones_',
                 'trunc_normal_', 'xavier_uniform_'):
        monkeypatch.setattr(nn.init, name, lambda t, *a, **k: t)


def _check_facts(name: str) -> None:
    params, n_keys, keys = FACTS[name]
    model = M.get_model(name)
    assert sum(p.numel() for p in model.parameters()) == params
    sd = list(model.state_dict())
    assert len(sd) == n_keys
    positions = [sd.index(k) for k in keys]
    assert positions == sorted(positions), "keys out of torchvision's order"
    assert sd[0] == keys[0] and sd[-1] == keys[-1]


@pytest.mark.parametrize('name', sorted(set(FACTS) - HEAVY))
def test_parameter_count_and_keys(name):
    _check_facts(name)


@pytest.mark.parametrize('name', sorted(HEAVY))
def test_parameter_count_and_keys_large_models(name, cheap_init):
    _check_facts(name)


@pytest.mark.parametrize('name,size,batch', [('resnet18', 32, 2), ('resnet50', 32, 2), ('mobilenet_v2', 32, 2),
                                             ('squeezenet1_1', 32, 2), ('densenet121', 32, 2),
                                             ('efficientnet_b0', 32, 2), ('alexnet', 64, 1)])
def test_forward_backward(name, size, batch):
    ember.manual_seed(0)
    model = M.get_model(name, num_classes=7)
    y = model(ember.randn(batch, 3, size, size))
    assert y.shape == (batch, 7) and y.dtype == ember.float32
    assert np.isfinite(y.detach().numpy()).all()
    y.square().sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    first = next(model.parameters())
    assert first.grad.abs().sum().item() > 0
    model.eval()
    with ember.no_grad():
        assert model(ember.randn(1, 3, size, size)).shape == (1, 7)


def test_vgg_forward_backward(cheap_init):
    model = M.vgg11_bn(num_classes=5)
    with ember.no_grad():
        for i, p in enumerate(model.parameters()):
            p.fill_(0.01 if i % 2 == 0 else 0.0)
    y = model(ember.randn(1, 3, 32, 32))  # five 2x2 pools: 32 -> 1, then the adaptive pool gives 7x7
    assert y.shape == (1, 5)
    y.sum().backward()
    assert model.features[0].weight.grad is not None and model.classifier[6].bias.grad.shape == (5,)


def test_vision_transformer_small_config():
    ember.manual_seed(0)
    vit = M.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32,
                              num_classes=3, representation_size=12)
    keys = list(vit.state_dict())
    assert keys[:4] == ['class_token', 'conv_proj.weight', 'conv_proj.bias', 'encoder.pos_embedding']
    assert keys[-6:] == ['encoder.ln.weight', 'encoder.ln.bias', 'heads.pre_logits.weight', 'heads.pre_logits.bias',
                         'heads.head.weight', 'heads.head.bias']
    assert vit.encoder.pos_embedding.shape == (1, 17, 16)
    # 16 patches of 8x8x3 -> 16 features, + class token, positions, 2 blocks, final norm, pre-logits, head
    block = 2 * 16 + (3 * 16 * 16 + 3 * 16) + (16 * 16 + 16) + 2 * 16 + (16 * 32 + 32) + (32 * 16 + 16)
    assert sum(p.numel() for p in vit.parameters()) == (
        16 + 192 * 16 + 16 + 17 * 16 + 2 * block + 2 * 16 + (16 * 12 + 12) + (12 * 3 + 3))
    with ember.no_grad():
        vit.heads.head.weight.normal_()  # the head starts at zero
    y = vit(ember.randn(2, 3, 32, 32))
    assert y.shape == (2, 3)
    y.sum().backward()
    assert vit.class_token.grad.abs().sum().item() > 0 and vit.conv_proj.weight.grad is not None
    assert M.vit_b_16(image_size=32, num_classes=4).encoder.pos_embedding.shape == (1, 5, 768)


def test_default_initialisation():
    ember.manual_seed(0)
    r = M.resnet18()
    w = r.conv1.weight.detach().numpy()
    assert abs(w.std() - math.sqrt(2 / (64 * 49))) < 0.002 and abs(w.mean()) < 0.002  # kaiming normal, fan_out
    assert (r.bn1.weight.detach().numpy() == 1).all() and (r.bn1.bias.detach().numpy() == 0).all()
    fc = r.fc.weight.detach().numpy()
    assert np.abs(fc).max() <= 1 / math.sqrt(512) and np.abs(fc).max() > 0.9 / math.sqrt(512)  # Linear's default
    assert (M.resnet18(zero_init_residual=True).layer1[0].bn2.weight.detach().numpy() == 0).all()
    mb = M.mobilenet_v2()
    assert abs(mb.classifier[1].weight.detach().numpy().std() - 0.01) < 0.0005
    assert (mb.classifier[1].bias.detach().numpy() == 0).all()
    en = M.efficientnet_b0()
    lw = en.classifier[1].weight.detach().numpy()
    assert np.abs(lw).max() <= 1 / math.sqrt(1000) and np.abs(lw).max() > 0.99 / math.sqrt(1000)
    sq = M.squeezenet1_1()
    assert abs(sq.classifier[1].weight.detach().numpy().std() - 0.01) < 0.001
    k = sq.features[0].weight.detach().numpy()  # kaiming uniform with a = 0: bound sqrt(6 / fan_in)
    assert np.abs(k).max() <= math.sqrt(6 / 27) and np.abs(k).max() > 0.9 * math.sqrt(6 / 27)
    dn = M.densenet121()
    assert (dn.classifier.bias.detach().numpy() == 0).all()
    c0 = dn.features.conv0.weight.detach().numpy()
    assert abs(c0.std() - math.sqrt(2 / 147)) < 0.01  # kaiming normal, fan_in
    vit = M.VisionTransformer(32, 8, 1, 2, 16, 32)
    assert (vit.heads.head.weight.detach().numpy() == 0).all() and (vit.class_token.detach().numpy() == 0).all()
    cp = vit.conv_proj.weight.detach().numpy()
    assert abs(cp.std() - math.sqrt(1 / 192)) < 0.006 and np.abs(cp).max() <= 2.0  # truncated normal on [-2, 2]
    pe = M.VisionTransformer(64, 4, 1, 2, 64, 32).encoder.pos_embedding.detach().numpy()
    assert abs(pe.std() - 0.02) < 0.001


# ------------------------------------------------------------------------------------------------- real PyTorch

def _torch_resnet18(num_classes=10):
    """torchvision's ResNet-18 written with real torch.nn (the reference architecture)."""
    tnn = torch.nn

    class Block(tnn.Module):
        def __init__(self, inp, out, stride):
            super().__init__()
            self.conv1 = tnn.Conv2d(inp, out, 3, stride, 1, bias=False)
            self.bn1 = tnn.BatchNorm2d(out)
            self.relu = tnn.ReLU(inplace=True)
            self.conv2 = tnn.Conv2d(out, out, 3, 1, 1, bias=False)
            self.bn2 = tnn.BatchNorm2d(out)
            self.downsample = (tnn.Sequential(tnn.Conv2d(inp, out, 1, stride, bias=False), tnn.BatchNorm2d(out))
                               if stride != 1 or inp != out else None)

        def forward(self, x):
            idt = x if self.downsample is None else self.downsample(x)
            return self.relu(self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x))))) + idt)

    class Net(tnn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = tnn.Conv2d(3, 64, 7, 2, 3, bias=False)
            self.bn1 = tnn.BatchNorm2d(64)
            self.relu = tnn.ReLU(inplace=True)
            self.maxpool = tnn.MaxPool2d(3, 2, 1)
            chans = [(64, 64, 1), (64, 128, 2), (128, 256, 2), (256, 512, 2)]
            for i, (a, b, s) in enumerate(chans):
                setattr(self, f"layer{i + 1}", tnn.Sequential(Block(a, b, s), Block(b, b, 1)))
            self.avgpool = tnn.AdaptiveAvgPool2d((1, 1))
            self.fc = tnn.Linear(512, num_classes)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(torch.flatten(self.avgpool(x), 1))

    return Net()


@needs_torch
def test_resnet18_matches_torch_and_loads_torch_checkpoints(tmp_path):
    ember.manual_seed(0)
    model = M.resnet18(num_classes=10)
    ref = _torch_resnet18(10)
    assert list(model.state_dict()) == list(ref.state_dict())
    assert [tuple(v.shape) for v in model.state_dict().values()] == [tuple(v.shape) for v in ref.state_dict().values()]
    # ember's checkpoint loads into real torch
    ember.save(model.state_dict(), tmp_path / 'ember.pt')
    ref.load_state_dict(torch.load(tmp_path / 'ember.pt'))
    # 64x64 leaves 2x2 maps in layer4: batch norm over 8 values per channel is well conditioned in train mode
    x = np.random.default_rng(0).standard_normal((2, 3, 64, 64)).astype(np.float32)
    model.eval()
    ref.eval()
    with ember.no_grad(), torch.no_grad():
        np.testing.assert_allclose(model(ember.from_numpy(x)).numpy(), ref(torch.from_numpy(x)).numpy(), atol=1e-4)
    # train mode (batch statistics) and gradients agree too
    model.train()
    ref.train()
    ye, yt = model(ember.from_numpy(x)), ref(torch.from_numpy(x))
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-4)
    ye.square().sum().backward()
    yt.square().sum().backward()
    np.testing.assert_allclose(model.layer1[0].conv1.weight.grad.numpy(), ref.layer1[0].conv1.weight.grad.numpy(),
                               rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(model.bn1.running_mean.numpy(), ref.bn1.running_mean.numpy(), rtol=1e-5, atol=1e-6)
    # a checkpoint written by real torch loads through ember.load
    with torch.no_grad():
        for p in ref.parameters():
            p.add_(0.01 * torch.randn_like(p))
    torch.save(ref.state_dict(), tmp_path / 'torch.pt')
    fresh = M.resnet18(num_classes=10)
    fresh.load_state_dict(ember.load(tmp_path / 'torch.pt'))
    fresh.eval()
    ref.eval()
    with ember.no_grad(), torch.no_grad():
        np.testing.assert_allclose(fresh(ember.from_numpy(x)).numpy(), ref(torch.from_numpy(x)).numpy(), atol=1e-4)


@needs_torch
def test_checkpoints_round_trip_through_torch_files(tmp_path):
    for name in ('mobilenet_v2', 'efficientnet_b0', 'densenet121'):
        ember.manual_seed(1)
        a = M.get_model(name, num_classes=4)
        ember.save(a.state_dict(), tmp_path / 'a.pt')
        sd = torch.load(tmp_path / 'a.pt')
        torch.save(sd, tmp_path / 'b.pt')
        ember.manual_seed(2)
        b = M.get_model(name, num_classes=4)
        b.load_state_dict(ember.load(tmp_path / 'b.pt'))
        for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items()):
            assert ka == kb
            np.testing.assert_array_equal(va.numpy(), vb.numpy())
    old = {k.replace('norm1', 'norm.1').replace('conv2', 'conv.2'): v for k, v in a.state_dict().items()}
    M.densenet121(num_classes=4).load_state_dict(old)  # the original checkpoints' 'norm.1' names load too


# ------------------------------------------------------------------------------------------------- bad input

BAD = [
    (lambda: M.resnet18(weights='IMAGENET1K_V1'), ValueError, 'downloads no pretrained weights'),
    (lambda: M.vit_b_16(weights='DEFAULT'), ValueError, 'downloads no pretrained weights'),
    (lambda: M.get_model('resnet7'), ValueError, 'Unknown model resnet7'),
    (lambda: M.VisionTransformer(30, 8, 1, 1, 8, 8), ValueError, 'Input shape indivisible by patch size'),
    (lambda: M.VisionTransformer(32, 8, 1, 2, 8, 8)(ember.zeros(1, 3, 24, 32)), AssertionError,
     'Wrong image height! Expected 32 but got 24!'),
    (lambda: M.VisionTransformer(32, 8, 1, 2, 8, 8)(ember.zeros(1, 3, 32, 16)), AssertionError,
     'Wrong image width! Expected 32 but got 16!'),
    (lambda: M.resnet18(replace_stride_with_dilation=[True]), ValueError, 'should be None or a 3-element tuple'),
    (lambda: M.resnet18(groups=2), ValueError, 'BasicBlock only supports groups=1 and base_width=64'),
    (lambda: M.resnet18(replace_stride_with_dilation=[False, False, True]), NotImplementedError,
     'Dilation > 1 not supported in BasicBlock'),
    (lambda: M.mobilenetv2.InvertedResidual(8, 8, 3, 6), ValueError, 'stride should be 1 or 2 instead of 3'),
    (lambda: M.MobileNetV2(inverted_residual_setting=[[1, 16, 1]]), ValueError,
     'inverted_residual_setting should be non-empty or a 4-element list'),
    (lambda: M.SqueezeNet('2_0'), ValueError, 'Unsupported SqueezeNet version 2_0'),
    (lambda: M.EfficientNet([], 0.2), ValueError, 'inverted_residual_setting should not be empty'),
    (lambda: M.EfficientNet([1, 2], 0.2), TypeError, r'should be List\[MBConvConfig\]'),
    (lambda: StochasticDepth(1.5, 'row'), ValueError, 'drop probability has to be between 0'),
    (lambda: StochasticDepth(0.5, 'col'), ValueError, "mode has to be either 'batch' or 'row'"),
    (lambda: M.squeezenet1_1(num_classes=3)(ember.zeros(1, 1, 32, 32)), RuntimeError, 'expected input'),
    (lambda: M.squeezenet1_1(num_classes=3).load_state_dict({}), RuntimeError, 'Missing key'),
]


@pytest.mark.parametrize('fn,exc,match', BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_bad_input(fn, exc, match):
    with pytest.raises(exc, match=match):
        fn()


def test_stochastic_depth_rows():
    sd = StochasticDepth(0.5, 'row')
    ember.manual_seed(0)
    out = sd(ember.ones(400, 3)).numpy()
    assert set(np.unique(out)) <= {0.0, 2.0} and (out == out[:, :1]).all()  # whole rows dropped or scaled by 2
    assert abs((out[:, 0] == 0).mean() - 0.5) < 0.1
    sd.eval()
    assert (sd(ember.ones(4, 3)).numpy() == 1).all()
    assert M.list_models()[:2] == ['alexnet', 'densenet121'] and 'vit_b_16' in M.list_models()
